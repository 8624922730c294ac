/**
 * Host configs that are tested: every servers/<name>/examples/*.json (the snippets the READMEs show for Claude
 * Desktop, VS Code and Cursor) is parsed, its shape checked, and each stdio entry launched against the BUILT
 * local bin (`npx -y @portico/server-x` → `node servers/x/dist/cli.js`), with placeholder paths replaced by
 * real temp folders, repositories and database files, placeholder tokens by fake ones pointed at a dead
 * loopback port, and the PostgreSQL URL by a real embedded one. Each launched server must list its tools.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectStdio } from '@portico/protocol/testing';
import { makeGitRepo, startTestPostgres, type TestDatabase, type TestPostgres } from '@portico/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLoopbackPort, FAKE_GITHUB_TOKEN, FAKE_SLACK_TOKEN, publishablePackages, repoRoot } from './packages.js';

interface HostEntry {
  type?: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}
interface HostFile {
  mcpServers?: Record<string, HostEntry>;
  servers?: Record<string, HostEntry>;
  inputs?: { id: string; type: string; password?: boolean }[];
}

/** Which top-level key each host reads, by example file name. */
const HOSTS: Record<string, { key: 'mcpServers' | 'servers'; stdioType: boolean }> = {
  'claude-desktop.json': { key: 'mcpServers', stdioType: false },
  'cursor-mcp.json': { key: 'mcpServers', stdioType: false },
  'vscode-mcp.json': { key: 'servers', stdioType: true },
};

const servers = publishablePackages().filter((p) => p.isServer);
const examples = servers.flatMap((server) => {
  const dir = join(server.dir, 'examples');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  return files.map((file) => ({ server: server.short, file, path: join(dir, file) }));
});

const work = mkdtempSync(join(tmpdir(), 'portico-host-configs-'));
let postgres: TestPostgres;
let database: TestDatabase;
let deadUpstream: string;
afterAll(async () => {
  await postgres?.close();
  rmSync(work, { recursive: true, force: true });
});
beforeAll(async () => {
  postgres = await startTestPostgres();
  database = await postgres.createDatabase('host_configs');
  deadUpstream = `http://127.0.0.1:${await deadLoopbackPort()}`;
}, 90_000);

describe('host-config examples', () => {
  it('every server ships the three host snippets and documents the Windows cmd /c form', () => {
    for (const server of servers) {
      const files = examples.filter((e) => e.server === server.short).map((e) => e.file).sort();
      expect(files, server.short).toEqual(Object.keys(HOSTS).sort());
      const readme = readFileSync(join(server.dir, 'README.md'), 'utf8');
      expect(readme, `${server.short} README: Windows form`).toMatch(/"cmd"[\s\S]{0,80}"\/c"/);
    }
  });

  it.each(examples)('$server/examples/$file has the host shape and launches', async ({ server, file, path }) => {
    const host = HOSTS[file];
    expect(host, `unknown example file ${file}`).toBeDefined();
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as HostFile;
    const entries = parsed[host!.key];
    expect(entries, `${file} has "${host!.key}"`).toBeDefined();
    expect(Object.keys(entries!)).toEqual([server]);
    const entry = entries![server]!;
    expect(entry.command).toBe('npx');
    expect(entry.args.slice(0, 2)).toEqual(['-y', `@portico/server-${server}`]);
    if (host!.stdioType) expect(entry.type).toBe('stdio');
    // VS Code: every ${input:id} used must be declared in "inputs", and secrets must be prompted as passwords.
    const declared = new Map((parsed.inputs ?? []).map((input) => [input.id, input]));
    for (const value of [...entry.args, ...Object.values(entry.env ?? {})]) {
      for (const match of value.matchAll(/\$\{input:([^}]+)\}/g)) {
        expect(declared.has(match[1]!), `input ${match[1]} declared`).toBe(true);
        expect(declared.get(match[1]!)!.password, `input ${match[1]} is a password prompt`).toBe(true);
      }
    }

    const launch = concreteLaunch(server, entry, join(work, `${server}-${file.replace(/\W/g, '_')}`));
    const client = await connectStdio({ bin: join(repoRoot, 'servers', server, 'dist', 'cli.js'), args: launch.args, env: launch.env, cwd: launch.cwd });
    try {
      const tools = await client.listTools();
      expect(tools.length).toBeGreaterThan(0);
      expect(client.stderr()).not.toContain(FAKE_GITHUB_TOKEN);
      expect(client.stderr()).not.toContain(FAKE_SLACK_TOKEN);
    } finally {
      await client.close();
    }
  }, 60_000);
});

/**
 * Turns a snippet into a launch on this machine: the same flags, with every placeholder made real.
 * Anything still looking like a placeholder afterwards fails the test, so a new kind needs handling here.
 */
function concreteLaunch(server: string, entry: HostEntry, cwd: string): { args: string[]; env: Record<string, string>; cwd: string } {
  mkdirSync(cwd, { recursive: true });
  // A folder that is also a git repository serves filesystem and git snippets alike.
  const workspaceFolder = join(cwd, 'workspace');
  makeGitRepo(workspaceFolder);
  let placeholders = 0;
  const realFolder = () => {
    const dir = join(cwd, `folder-${(placeholders += 1)}`);
    makeGitRepo(dir);
    return dir;
  };
  const args = entry.args.slice(2).map((arg, index, all) => {
    let value = arg.replaceAll('${workspaceFolder}', workspaceFolder);
    if (/^postgres(ql)?:\/\//.test(value)) {
      // The snippet's form (password from PGPASSWORD, not in the URL) is kept: the URL loses its password.
      return postgres.urlFor({ user: postgres.user, database: database.name }).replace(`:${encodeURIComponent(postgres.password)}@`, '@');
    }
    if (/^\/(Users|home)\//.test(value)) value = all[index - 1] === '--db-path' ? join(cwd, `db-${(placeholders += 1)}.db`) : realFolder();
    return value;
  });
  const env: Record<string, string> = {};
  for (const [name, raw] of Object.entries(entry.env ?? {})) {
    if (name === 'PGPASSWORD') env[name] = postgres.password;
    else if (name === 'DATABASE_URL') env[name] = database.url;
    else if (name === 'GITHUB_PERSONAL_ACCESS_TOKEN') env[name] = FAKE_GITHUB_TOKEN;
    else if (name === 'SLACK_BOT_TOKEN') env[name] = FAKE_SLACK_TOKEN;
    else env[name] = raw;
  }
  // Listing tools must never reach GitHub or Slack: their APIs point at a port nobody listens on.
  if (server === 'github') env.GITHUB_API_URL = deadUpstream;
  if (server === 'slack') env.SLACK_API_URL = `${deadUpstream}/api/`;
  // --read-only never creates the database file: make the ones a snippet names, as a user would have them.
  if (args.includes('--read-only')) {
    args.forEach((arg, index) => {
      if (args[index - 1] === '--db-path') createSqliteFile(resolve(cwd, arg));
    });
  }
  for (const value of [...args, ...Object.values(env)]) expect(value, 'placeholder left in a launch').not.toMatch(/\$\{|\/Users\/|\/home\/me\//);
  return { args, env, cwd };
}

function createSqliteFile(path: string): void {
  // better-sqlite3 is the sqlite server's dependency; resolved from there.
  const Database = createRequire(join(repoRoot, 'servers', 'sqlite', 'package.json'))('better-sqlite3') as new (file: string) => { exec(sql: string): void; close(): void };
  const db = new Database(path);
  db.exec('CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)');
  db.close();
}
