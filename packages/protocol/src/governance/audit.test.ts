import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secrets } from '../secrets.js';
import { ConfigError } from '../errors.js';
import { AuditLog, auditArguments, type AuditRecord } from './audit.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (tool: string, args: unknown = {}): AuditRecord => ({
  time: '2026-01-01T00:00:00.000Z',
  server: 'portico-test',
  transport: 'stdio',
  era: 'legacy',
  session: 'stdio',
  tool,
  arguments: args,
  outcome: 'ok',
  duration_ms: 1,
});

describe('auditArguments', () => {
  it('redacts registered secrets, omits content fields and cuts long values', () => {
    secrets.register('audit-canary-secret-9f8e7d6c');
    const args = {
      path: '/data/a.txt',
      content: 'the whole file body',
      token: 'audit-canary-secret-9f8e7d6c',
      long: 'x'.repeat(500),
      many: Array.from({ length: 30 }, (_, i) => i),
      deep: { a: { b: { c: { d: 'too deep' } } } },
    };
    const out = auditArguments(args, ['content']) as Record<string, unknown>;
    expect(out.path).toBe('/data/a.txt');
    expect(out.content).toBe('<omitted: 19 characters>');
    expect(JSON.stringify(out)).not.toContain('audit-canary-secret-9f8e7d6c');
    expect(out.long).toMatch(/^x{200}… <300 more characters>$/);
    expect((out.many as unknown[]).length).toBe(21);
    expect((out.many as unknown[])[20]).toBe('<10 more items>');
    expect(JSON.stringify(out.deep)).toContain('<object>');
    expect(JSON.stringify(out)).not.toContain('the whole file body');
  });

  it('an omitted list or object of values is logged by count only', () => {
    const out = auditArguments({ params: ['alice@example.com', 7], named: { email: 'bob@example.com', id: 8 }, flag: true }, ['params', 'named', 'flag']) as Record<string, unknown>;
    expect(out).toEqual({ params: '<omitted: 2 items>', named: '<omitted: 2 named values>', flag: '<omitted>' });
  });
});

describe('AuditLog', () => {
  it('appends one JSON line per record, owner-only', () => {
    const path = join(dir, 'a.jsonl');
    const log = new AuditLog({ path, maxBytes: 1 << 20 });
    log.write(record('one'));
    log.write(record('two'));
    log.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
    expect(lines.map((l) => l.tool)).toEqual(['one', 'two']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
  it('rotates by size, keeping 3 old files', () => {
    const path = join(dir, 'r.jsonl');
    const oneLine = JSON.stringify(record('tool-00')).length + 1;
    const log = new AuditLog({ path, maxBytes: oneLine * 2 });
    for (let i = 0; i < 10; i++) log.write(record(`tool-${String(i).padStart(2, '0')}`));
    log.close();
    const tools = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as AuditRecord).tool);
    expect(tools(path)).toEqual(['tool-08', 'tool-09']);
    expect(tools(`${path}.1`)).toEqual(['tool-06', 'tool-07']);
    expect(tools(`${path}.3`)).toEqual(['tool-02', 'tool-03']);
    expect(existsSync(`${path}.4`)).toBe(false);
  });
  it('an unwritable path is a configuration error naming --audit-log', () => {
    expect(() => new AuditLog({ path: join(dir, 'missing-dir', 'x.jsonl'), maxBytes: 100 })).toThrow(ConfigError);
    expect(() => new AuditLog({ path: join(dir, 'missing-dir', 'x.jsonl'), maxBytes: 100 })).toThrow(/--audit-log .* cannot be opened for writing \(ENOENT\)/);
  });
});
