/** A freshly scaffolded server builds and passes its own tests, unchanged. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs module without types
import { nextFreePort, scaffoldServer } from './new-server.mjs';

const repo = resolve(import.meta.dirname, '..');
const name = `scaffold-check-${process.pid}`;
const target = join(repo, 'servers', name);

afterAll(() => rmSync(target, { recursive: true, force: true }));

describe('pnpm new-server', () => {
  it('refuses bad names', () => {
    expect(() => scaffoldServer({ name: 'Bad Name', port: 4000 })).toThrow(/lowercase/);
    expect(() => scaffoldServer({ name: '_template', port: 4000 })).toThrow();
  });

  it('scaffolds a server that builds and passes its tests', () => {
    const port = nextFreePort();
    expect(port).toBeGreaterThan(3307);
    scaffoldServer({ name, port });
    const pkg = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
    expect(pkg.name).toBe(`@portico/server-${name}`);
    expect(pkg.bin).toEqual({ [`portico-${name}`]: 'dist/cli.js' });
    expect(pkg.private).toBeUndefined();
    expect(readFileSync(join(target, 'src', 'server.ts'), 'utf8')).toContain(`defaultPort: ${port}`);
    // The copy has the template's dependencies; reuse its installed node_modules instead of a full install.
    symlinkSync(join(repo, 'servers', '_template', 'node_modules'), join(target, 'node_modules'), 'dir');
    const tsc = join(repo, 'node_modules', '.bin', 'tsc');
    execFileSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: target, stdio: 'pipe' });
    expect(existsSync(join(target, 'dist', 'cli.js'))).toBe(true);
    const out = execFileSync(process.execPath, [join(target, 'dist', 'cli.js'), '--version'], { encoding: 'utf8' });
    expect(out.trim()).toBe(`portico-${name} 0.1.0`);
    const vitest = join(repo, 'node_modules', '.bin', 'vitest');
    const result = execFileSync(vitest, ['run'], { cwd: target, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' } });
    expect(result).toMatch(/Tests\s+\S*\d+ passed/);
  }, 120_000);
});
