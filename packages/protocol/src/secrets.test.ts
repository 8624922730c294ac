import { describe, expect, it } from 'vitest';
import { SecretRegistry, stripUrlCredentials } from './secrets.js';
import { createLogger } from './logger.js';
import { secrets } from './secrets.js';

describe('secrets', () => {
  it('redacts registered secrets and their URL-encoded form, deeply', () => {
    const r = new SecretRegistry();
    r.register('p@ss/word-123');
    expect(r.redact('url postgres://u:p%40ss%2Fword-123@h and raw p@ss/word-123')).toBe('url postgres://u:[REDACTED]@h and raw [REDACTED]');
    expect(r.redactDeep({ a: ['p@ss/word-123'], b: { c: 'x p@ss/word-123' } })).toEqual({ a: ['[REDACTED]'], b: { c: 'x [REDACTED]' } });
  });
  it('ignores values too short to be secrets', () => {
    const r = new SecretRegistry();
    r.register('abc');
    expect(r.redact('abc')).toBe('abc');
  });
  it('strips credentials from URLs', () => {
    expect(stripUrlCredentials('postgresql://user:pw@db:5432/x')).toBe('postgresql://db:5432/x');
  });
  it('keeps secrets out of log lines at every level', () => {
    const lines: string[] = [];
    secrets.register('log-canary-secret-42');
    const log = createLogger({ name: 't', level: 'debug', write: (l) => lines.push(l) });
    log.debug('a log-canary-secret-42');
    log.error('b', new Error('failed with log-canary-secret-42'));
    log.always('c log-canary-secret-42');
    expect(lines.join('')).not.toContain('log-canary-secret-42');
    expect(lines).toHaveLength(3);
  });
});

describe('redactDeep copy-on-write', () => {
  it('returns the same value when nothing needs redacting, and copies only what changed', () => {
    const r = new SecretRegistry();
    r.register('s3cret-token-value');
    const clean = { list: [{ name: 'a' }, { name: 'b' }], n: 1 };
    expect(r.redactDeep(clean)).toBe(clean);
    const dirty = { list: [{ name: 'a' }, { name: 'x s3cret-token-value' }], keep: { deep: 'ok' }, after: 'z' };
    const out = r.redactDeep(dirty);
    expect(out).toEqual({ list: [{ name: 'a' }, { name: 'x [REDACTED]' }], keep: { deep: 'ok' }, after: 'z' });
    expect(Object.keys(out)).toEqual(['list', 'keep', 'after']);
    // The input is untouched, and unchanged branches are shared rather than copied.
    expect(dirty.list[1]!.name).toBe('x s3cret-token-value');
    expect(out.keep).toBe(dirty.keep);
    expect(out.list[0]).toBe(dirty.list[0]);
  });
});
