import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CANARIES } from '@portico/test-utils';
// @ts-expect-error plain ESM script without types
import { findCanaries } from './grep-canaries.mjs';

const script = fileURLToPath(new URL('./grep-canaries.mjs', import.meta.url));
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-canary-test-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('grep-canaries', () => {
  it('finds every canary wherever it is, in nested files and binary data', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'conformance', 'sqlite'), { recursive: true });
    writeFileSync(join(dir, 'a-server.log'), `[portico] info: connected with ${CANARIES.postgresPassword}\nmore\n`);
    writeFileSync(join(dir, 'conformance', 'sqlite', 'checks.json'), JSON.stringify({ header: `Bearer ${CANARIES.httpBearerToken}`, again: CANARIES.httpBearerToken }));
    writeFileSync(join(dir, 'blob.bin'), Buffer.concat([Buffer.from([0, 255, 1]), Buffer.from(CANARIES.slackBotToken), Buffer.from([0])]));
    writeFileSync(join(dir, 'clean.txt'), 'ghp_ xoxb- nothing secret here');
    const { hits, files } = findCanaries([dir]);
    expect(files).toBe(4);
    expect(hits.map((h: { canary: string }) => h.canary).sort()).toEqual(['httpBearerToken', 'httpBearerToken', 'postgresPassword', 'slackBotToken']);
  });

  it('exits 1 and prints the count on a hit, 0 on clean output, 1 when nothing was captured', () => {
    const leaky = tempDir();
    writeFileSync(join(leaky, 'results.jsonl'), `{"text":"token ${CANARIES.githubPat}"}\n`);
    const hit = spawnSync(process.execPath, [script, leaky], { encoding: 'utf8' });
    expect(hit.status).toBe(1);
    expect(hit.stdout).toContain('1 hit(s) in 1 file(s)');
    expect(hit.stdout).toContain('canary githubPat found in');
    // The report names the file and offset, never the secret itself.
    expect(hit.stdout).not.toContain(CANARIES.githubPat);

    const clean = tempDir();
    writeFileSync(join(clean, 'server.log'), 'portico-git listening on http://127.0.0.1:1/mcp\n');
    const ok = spawnSync(process.execPath, [script, clean], { encoding: 'utf8' });
    expect(ok.stdout).toContain('0 hit(s) in 1 file(s)');
    expect(ok.status).toBe(0);

    const empty = spawnSync(process.execPath, [script, tempDir()], { encoding: 'utf8' });
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('nothing was captured');
  });
});
