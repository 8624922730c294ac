/**
 * STATIC CHECK ONLY: reads shared/docker/Dockerfile, the one Dockerfile every server is built from, as text. No
 * image is built or run here: this machine has a docker client but no Docker engine. It guards what can go wrong
 * in the text: a single stage, running as root, an entrypoint that is not the bin over stdio, deploying a package
 * other than the one SERVER names, and a server whose package or bin does not follow the names the file relies on.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
const dockerfile = join(repo, 'shared', 'docker', 'Dockerfile');
const servers = readdirSync(join(repo, 'servers'))
  .filter((name) => existsSync(join(repo, 'servers', name, 'package.json')) && !name.startsWith('scaffold-check-'))
  .filter((name) => JSON.parse(readFileSync(join(repo, 'servers', name, 'package.json'), 'utf8')).private !== true)
  .sort();

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

const steps = instructions(readFileSync(dockerfile, 'utf8'));
const froms = steps.map((step, index) => ({ ...step, index })).filter((step) => step.op === 'FROM');
const build = steps.slice(froms[0]!.index, froms.at(-1)!.index);
const runtime = steps.slice(froms.at(-1)!.index);

describe('shared/docker/Dockerfile (static check: not built, no Docker engine here)', () => {
  it('the build context leaves out installs and builds', () => {
    const ignore = readFileSync(join(repo, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
  });

  it('is the only Dockerfile: no server keeps a copy of its own', () => {
    expect(servers.filter((server) => existsSync(join(repo, 'servers', server, 'Dockerfile')))).toEqual([]);
  });

  it('is multi-stage and ends as a non-root user running the bin over stdio', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms[0]!.args).toMatch(/ AS build$/i);
    const users = runtime.filter((step) => step.op === 'USER').map((step) => step.args);
    expect(users.length, 'the runtime stage sets USER').toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const entrypoint = runtime.filter((step) => step.op === 'ENTRYPOINT').at(-1);
    expect(JSON.parse(entrypoint!.args)).toEqual(['node', '/app/dist/cli.js']);
    expect(runtime.some((step) => step.op === 'COPY' && /--from=build\b.*\/out \/app$/.test(step.args))).toBe(true);
    // stdio is the default transport: nothing may switch the image to HTTP behind the host's back.
    expect(runtime.some((step) => /PORTICO_TRANSPORT|--transport/.test(step.args))).toBe(false);
  });

  it('builds and deploys the package SERVER names, from the lockfile, and refuses an empty SERVER first', () => {
    // ARG inside the stage: an ARG before the first FROM would not reach the RUN steps.
    const argAt = build.findIndex((step) => step.op === 'ARG' && step.args === 'SERVER');
    expect(argAt).toBeGreaterThan(0);
    const runs = build.filter((step) => step.op === 'RUN').map((step) => step.args);
    expect(runs[0]).toMatch(/^test -n "\$SERVER" \|\| /);
    expect(runs).toContain('pnpm install --frozen-lockfile --filter "@portico/server-${SERVER}..." --filter portico');
    expect(runs).toContain('pnpm --filter "@portico/server-${SERVER}..." run build');
    expect(runs).toContain('pnpm --filter "@portico/server-${SERVER}" deploy --prod --legacy /out');
  });

  describe.each(servers)('%s', (server) => {
    const pkg = JSON.parse(readFileSync(join(repo, 'servers', server, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };
    const readme = readFileSync(join(repo, 'servers', server, 'README.md'), 'utf8');

    it('is what SERVER=<folder> builds: package @portico/server-<folder>, one bin at dist/cli.js', () => {
      expect(pkg.name).toBe(`@portico/server-${server}`);
      // /app holds the deployed package, so /app/dist/cli.js is its one bin.
      expect(Object.entries(pkg.bin)).toEqual([[`portico-${server}`, 'dist/cli.js']]);
    });

    it('has a README whose build line uses the shared Dockerfile with its own SERVER', () => {
      expect(readme).toContain(`docker build -f shared/docker/Dockerfile --build-arg SERVER=${server} -t portico/server-${server} .`);
    });
  });
});
