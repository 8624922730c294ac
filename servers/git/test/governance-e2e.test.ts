/** Confirmations through the built bin over stdio, as a host would run it (issue 13). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, textOf } from '@portico/protocol/testing';
import { makeSandbox, type Sandbox } from '../src/test-support/fixtures.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

let sb: Sandbox;
beforeAll(async () => {
  sb = await makeSandbox();
});
afterAll(async () => {
  await sb.cleanup();
});

describe('stdio (built bin)', () => {
  it('a declined git_restore leaves HEAD, index and working tree as they were; the question named the file', async () => {
    const repo = sb.repo('e2e', { 'a.txt': 'a\n' });
    writeFileSync(join(repo, 'a.txt'), 'uncommitted work\n');
    const env = Object.fromEntries(Object.entries(sb.env).filter(([k, v]) => v !== undefined && (k === 'HOME' || k.startsWith('GIT_')))) as Record<string, string>;
    const state = () => [sb.git(repo, ['rev-parse', 'HEAD']), sb.git(repo, ['ls-files', '--stage']), sb.git(repo, ['status', '--porcelain=v2']), readFileSync(join(repo, 'a.txt'), 'utf8')].join('\n');
    const before = state();
    const asked: string[] = [];
    const c = await connectStdio({
      bin,
      args: [repo],
      env,
      onElicit: async (params) => {
        asked.push((params as { message: string }).message);
        return { action: 'decline' };
      },
    });
    try {
      const result = await c.callTool('git_restore', { repo_path: repo, paths: ['a.txt'] });
      expect(textOf(result)).toMatch(/git_restore was not run because the user declined the confirmation; nothing was changed/);
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain('the uncommitted changes to 1 file are discarded and cannot be recovered: a.txt.');
      expect(state()).toBe(before);
    } finally {
      await c.close();
    }
  });
});
