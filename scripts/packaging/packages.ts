/**
 * What the packaging and host-config tests share: the publishable packages of the workspace, how to pack one,
 * how to read a tarball, and the settings each server needs to start (the same ones a host config supplies).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface WorkspacePackage {
  /** Folder name under servers/ ('protocol' for packages/protocol). */
  short: string;
  dir: string;
  name: string;
  isServer: boolean;
}

/** @portico/protocol plus every server (servers/*, not the private _template). */
export function publishablePackages(): WorkspacePackage[] {
  const servers = readdirSync(join(repoRoot, 'servers'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && existsSync(join(repoRoot, 'servers', entry.name, 'package.json')))
    .map((entry) => entry.name)
    .sort();
  const protocolDir = join(repoRoot, 'packages', 'protocol');
  return [
    { short: 'protocol', dir: protocolDir, name: readName(protocolDir), isServer: false },
    ...servers.map((short) => {
      const dir = join(repoRoot, 'servers', short);
      return { short, dir, name: readName(dir), isServer: true };
    }),
  ];
}

function readName(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name;
}

/** `pnpm pack` into `destination`; returns the tarball path. pnpm rewrites workspace:* to real versions. */
export function pack(pkg: WorkspacePackage, destination: string): string {
  const out = execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const tarball = out
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .reverse()
    .find((line) => line.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack printed no tarball for ${pkg.name}:\n${out}`);
  return resolve(pkg.dir, tarball);
}

/** File paths inside a tarball, without the leading `package/`. */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^package\//, ''));
}

/** One file's text from a tarball. */
export function tarballText(tarball: string, path: string): string {
  return execFileSync('tar', ['-xzOf', tarball, `package/${path}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** A loopback port nobody listens on (bound, then released): upstream calls to it fail at once. */
export async function deadLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface LaunchContext {
  /** A folder the filesystem server may use. */
  workspace: string;
  /** A git repository. */
  repo: string;
  /** A SQLite file path (created by the server when missing). */
  dbPath: string;
  /** A reachable PostgreSQL URL. */
  databaseUrl: string;
  /** An http://127.0.0.1:<dead port> base for GitHub/Slack: listing tools must never call upstream. */
  deadUpstream: string;
}

/** Fake credentials: shaped like real ones, valid nowhere. */
export const FAKE_GITHUB_TOKEN = 'ghp_portico_packaging_test_fake_token_000000';
export const FAKE_SLACK_TOKEN = 'xoxb-0000000000-0000000000000-portico-fake';

/** The arguments and environment each server needs to start, as a host config would pass them. */
export function launchSettings(short: string, ctx: LaunchContext): { args: string[]; env: Record<string, string> } {
  switch (short) {
    case 'filesystem':
      return { args: [ctx.workspace], env: {} };
    case 'sqlite':
      return { args: ['--db-path', ctx.dbPath], env: {} };
    case 'git':
      return { args: [ctx.repo], env: {} };
    case 'postgres':
      return { args: [], env: { DATABASE_URL: ctx.databaseUrl } };
    case 'fetch':
      return { args: [], env: {} };
    case 'github':
      return { args: [], env: { GITHUB_PERSONAL_ACCESS_TOKEN: FAKE_GITHUB_TOKEN, GITHUB_API_URL: ctx.deadUpstream } };
    case 'slack':
      return { args: [], env: { SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN, SLACK_TEAM_ID: 'T00000000', SLACK_API_URL: `${ctx.deadUpstream}/api/` } };
    default:
      throw new Error(`no launch settings for server "${short}": add them to scripts/packaging/packages.ts`);
  }
}

/**
 * The JavaScript file behind `npx` on PATH (npm ships it as bin/npx-cli.js). The stdio test client runs
 * `node <file>`, so launching this file with `--no-install portico-<name>` is exactly `npx --no-install ...`.
 */
export function npxCliScript(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'npx');
    if (existsSync(candidate)) return realpathSync(candidate);
  }
  throw new Error('npx is not on PATH');
}
