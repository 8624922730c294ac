/**
 * The README tool tables are generated from the built tool definitions, and `--check` fails when one is stale.
 * Alterations happen on copies in a temp dir (--readme-dir), never on the real READMEs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs module without types
import { END_MARKER, START_MARKER, serverNames } from './tool-tables.mjs';

const repo = resolve(import.meta.dirname, '..', '..');
const script = join(repo, 'scripts', 'docs', 'tool-tables.mjs');
// new-server.test.ts scaffolds servers/scaffold-check-<pid> while this file may run: that copy is not ours to check.
const servers: string[] = (serverNames() as string[]).filter((name) => !name.startsWith('scaffold-check-'));
const copies = mkdtempSync(join(tmpdir(), 'portico-tool-tables-'));
afterAll(() => rmSync(copies, { recursive: true, force: true }));

function run(args: string[]) {
  const serverArgs = servers.flatMap((name) => ['--server', name]);
  const result = spawnSync(process.execPath, [script, ...args, ...serverArgs], { cwd: repo, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

function copyReadmes(): void {
  for (const name of servers) cpSync(join(repo, 'servers', name, 'README.md'), join(copies, name, 'README.md'));
}

function tableOf(readme: string): string {
  return readme.slice(readme.indexOf(START_MARKER), readme.indexOf(END_MARKER));
}

describe('README tool tables', () => {
  it('covers every server, including the template new servers are copied from', () => {
    expect(servers).toEqual(expect.arrayContaining(['_template', 'fetch', 'filesystem', 'git', 'github', 'postgres', 'slack', 'sqlite']));
  });

  it('every real README is up to date with its definitions', () => {
    const { status, stderr } = run(['--check']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('names the README whose table was altered, and only that one', () => {
    copyReadmes();
    const path = join(copies, 'git', 'README.md');
    const readme = readFileSync(path, 'utf8');
    const altered = readme.replace(/\| `git_status` \| read-only \|/, '| `git_status` | writes |');
    expect(altered).not.toBe(readme);
    writeFileSync(path, altered);

    const { status, stderr } = run(['--check', '--readme-dir', copies]);
    expect(status).toBe(1);
    expect(stderr).toContain('servers/git/README.md: the tool table is stale');
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reports a README that lost its markers', () => {
    copyReadmes();
    const path = join(copies, 'sqlite', 'README.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace(START_MARKER, ''));
    const { status, stderr } = run(['--check', '--readme-dir', copies]);
    expect(status).toBe(1);
    expect(stderr).toContain('servers/sqlite/README.md has no <!-- tools:start --> ... <!-- tools:end --> block');
  });

  it('regenerates a damaged table byte for byte, leaving the rest of the README alone', () => {
    copyReadmes();
    const path = join(copies, 'github', 'README.md');
    const original = readFileSync(path, 'utf8');
    const damaged = original.replace(tableOf(original), `${START_MARKER}\n| tool | hand-written |\n`) + '\nA line after the table survives.\n';
    writeFileSync(path, damaged);

    expect(run(['--readme-dir', copies]).status).toBe(0);
    const regenerated = readFileSync(path, 'utf8');
    expect(regenerated).toBe(`${original}\nA line after the table survives.\n`);
    // Rows come from the definitions: the github server's 39 tools, each with its kind.
    const rows = tableOf(regenerated).split('\n').filter((line) => /^\| `/.test(line));
    expect(rows).toHaveLength(39);
    expect(rows.find((row) => row.startsWith('| `get_me` |'))).toMatch(/\| read-only \| context \|/);
    expect(rows.find((row) => row.startsWith('| `merge_pull_request` |'))).toMatch(/\| writes(, destructive)? \| pull_requests \|/);
  });
});
