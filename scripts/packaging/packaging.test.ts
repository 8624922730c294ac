/**
 * Real packages: every publishable package packs into a tarball a stranger can use.
 *
 * Always: `pnpm pack` each package and check the tarball (one bin with a node shebang, engines, license,
 * README, exports resolve to shipped files, no tests/sources/test-support, no workspace: ranges left).
 * With PORTICO_PACK_TEST=1: install all tarballs into an empty folder with npm in ONE install (so the
 * unpublished @portico/protocol resolves from its tarball) and launch every bin as a host config would,
 * listing its tools over stdio with the real MCP client. The install needs the npm registry and ~2 minutes
 * (better-sqlite3 builds from source when no prebuilt binary is reachable), hence the gate.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectStdio } from '@portico/protocol/testing';
import { makeGitRepo, startTestPostgres, type TestPostgres } from '@portico/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLoopbackPort, launchSettings, npxCliScript, pack, publishablePackages, tarballFiles, tarballText, type LaunchContext } from './packages.js';

interface PackedPackage {
  name: string;
  short: string;
  isServer: boolean;
  tarball: string;
  files: string[];
  manifest: {
    name: string;
    license?: string;
    engines?: { node?: string };
    bin?: Record<string, string>;
    exports?: Record<string, unknown>;
    files?: string[];
    dependencies?: Record<string, string>;
  };
}

/**
 * Gaps known today, asserted to STILL be gaps so that this list shrinks when they are fixed (the test then
 * fails and says to delete the entry). Each one belongs to the package's owner, not to this test.
 */
const KNOWN_GAPS: Record<string, string[]> = {};

const work = mkdtempSync(join(tmpdir(), 'portico-pack-'));
const packed: PackedPackage[] = [];
// The npm install folder is large: deleting it can take longer than the default hook timeout.
afterAll(() => rm(work, { recursive: true, force: true }), 120_000);

beforeAll(() => {
  const destination = join(work, 'tarballs');
  mkdirSync(destination);
  for (const pkg of publishablePackages()) {
    const tarball = pack(pkg, destination);
    packed.push({ name: pkg.name, short: pkg.short, isServer: pkg.isServer, tarball, files: tarballFiles(tarball), manifest: JSON.parse(tarballText(tarball, 'package.json')) });
  }
}, 120_000);

/** Paths a published package must not ship: tests, sources, test fixtures and helpers. */
function forbiddenFiles(pkg: PackedPackage): string[] {
  // A `./testing` export (protocol's test clients for third-party servers) is public API, so it may ship.
  const exportedDirs = Object.values(pkg.manifest.exports ?? {})
    .flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target as Record<string, string>)))
    .map((target) => target.replace(/^\.\//, '').replace(/[^/]+$/, ''));
  return pkg.files.filter((file) => {
    if (/\.(test|spec)\.[cm]?[jt]sx?(\.map)?$/.test(file) || /\.test\.d\.ts/.test(file)) return true;
    if (/^(src|test|tests|__tests__|bench|examples)\//.test(file)) return true;
    if (/(^|\/)(test-support|__fixtures__|fixtures)\//.test(file)) return true;
    if (/(^|\/)testing\//.test(file)) return !exportedDirs.some((dir) => dir && file.startsWith(dir));
    return false;
  });
}

describe('tarballs (pnpm pack)', () => {
  it('packs protocol and every server', () => {
    expect(packed.map((p) => p.short)).toContain('protocol');
    expect(packed.filter((p) => p.isServer).length).toBeGreaterThanOrEqual(7);
  });

  it('each has engines, a license, its README and no workspace: ranges', () => {
    const problems: string[] = [];
    for (const pkg of packed) {
      const gaps = KNOWN_GAPS[pkg.name] ?? [];
      if (!pkg.manifest.engines?.node) problems.push(`${pkg.name}: no engines.node`);
      if (!pkg.manifest.license) problems.push(`${pkg.name}: no license field`);
      const hasReadme = pkg.files.includes('README.md');
      if (gaps.includes('README.md')) {
        if (hasReadme) problems.push(`${pkg.name}: README.md ships now; remove it from KNOWN_GAPS`);
      } else if (!hasReadme) problems.push(`${pkg.name}: README.md is not in the tarball`);
      for (const [dep, range] of Object.entries(pkg.manifest.dependencies ?? {})) {
        if (range.startsWith('workspace:')) problems.push(`${pkg.name}: dependency ${dep} still has ${range}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('each server has exactly one bin, portico-<name>, a shipped file with a node shebang', () => {
    const problems: string[] = [];
    for (const pkg of packed.filter((p) => p.isServer)) {
      const bins = Object.entries(pkg.manifest.bin ?? {});
      if (bins.length !== 1) {
        problems.push(`${pkg.name}: ${bins.length} bins`);
        continue;
      }
      const [binName, binPath] = bins[0]!;
      if (binName !== `portico-${pkg.short}`) problems.push(`${pkg.name}: bin is ${binName}`);
      const path = binPath.replace(/^\.\//, '');
      if (!pkg.files.includes(path)) problems.push(`${pkg.name}: bin file ${path} is not in the tarball`);
      else if (!tarballText(pkg.tarball, path).startsWith('#!/usr/bin/env node\n')) problems.push(`${pkg.name}: ${path} has no #!/usr/bin/env node shebang`);
    }
    expect(problems).toEqual([]);
  });

  it('every export of @portico/protocol points at a shipped file', () => {
    const protocol = packed.find((p) => p.short === 'protocol')!;
    const targets = Object.values(protocol.manifest.exports ?? {}).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t as Record<string, string>)));
    expect(targets.length).toBeGreaterThan(0);
    const missing = targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !protocol.files.includes(t));
    expect(missing).toEqual([]);
  });

  it('no tarball ships tests, sources or test-support files', () => {
    const problems = packed.flatMap((pkg) => forbiddenFiles(pkg).map((file) => `${pkg.name}: ${file}`));
    expect(problems).toEqual([]);
    // Declared `files` must exclude compiled tests, so a future test file never slips in.
    for (const pkg of packed) expect(pkg.manifest.files, pkg.name).toContain('!dist/**/*.test.*');
  });
});

describe.runIf(process.env.PORTICO_PACK_TEST === '1')('installed from the tarballs with npm (PORTICO_PACK_TEST=1)', () => {
  const install = join(work, 'install');
  let postgres: TestPostgres;
  let ctx: LaunchContext;

  beforeAll(async () => {
    mkdirSync(install);
    writeFileSync(join(install, 'package.json'), JSON.stringify({ name: 'portico-pack-check', private: true }));
    // ONE install: @portico/protocol is not on the registry, so its tarball must satisfy the servers' dependency.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...packed.map((p) => p.tarball)], {
      cwd: install,
      stdio: 'pipe',
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    postgres = await startTestPostgres();
    const workspace = join(work, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'hello.txt'), 'hello\n');
    const repo = join(work, 'repo');
    makeGitRepo(repo);
    ctx = { workspace, repo, dbPath: join(work, 'packed.db'), databaseUrl: (await postgres.createDatabase('pack')).url, deadUpstream: `http://127.0.0.1:${await deadLoopbackPort()}` };
  }, 600_000);
  afterAll(async () => {
    await postgres?.close();
  });

  it('launches every server bin with npx --no-install and lists its tools over stdio', async () => {
    const npxCli = npxCliScript();
    for (const pkg of packed.filter((p) => p.isServer)) {
      const { args, env } = launchSettings(pkg.short, ctx);
      // `npx --no-install portico-<name>` from the install folder: the bin as a host config runs it, never the
      // registry. connectStdio runs `node <bin>`, so the npx CLI script is the bin it starts.
      const client = await connectStdio({ bin: npxCli, args: ['--no-install', `portico-${pkg.short}`, ...args], env: { ...env, npm_config_update_notifier: 'false' }, cwd: install });
      try {
        const tools = await client.listTools();
        expect(tools.length, `${pkg.name} lists tools`).toBeGreaterThan(0);
        expect(client.stderr()).not.toContain('ghp_portico_packaging_test_fake_token');
      } finally {
        await client.close();
      }
    }
  }, 180_000);
});
