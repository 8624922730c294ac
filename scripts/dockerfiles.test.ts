/**
 * STATIC CHECK ONLY: reads each servers/<name>/Dockerfile as text. No image is built or run here: this machine
 * has a docker client but no Docker engine. It guards what can go wrong in the text: a missing file, a single
 * stage, running as root, an entrypoint that is not the package's bin over stdio, deploying the wrong package.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
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

describe('Dockerfiles (static check: not built, no Docker engine here)', () => {
  it('the build context leaves out installs and builds', () => {
    const ignore = readFileSync(join(repo, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
  });

  describe.each(servers)('%s', (server) => {
    const pkg = JSON.parse(readFileSync(join(repo, 'servers', server, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };
    const path = join(repo, 'servers', server, 'Dockerfile');

    it('is multi-stage and ends as a non-root user running the bin over stdio', () => {
      expect(existsSync(path)).toBe(true);
      const steps = instructions(readFileSync(path, 'utf8'));
      const froms = steps.map((step, index) => ({ ...step, index })).filter((step) => step.op === 'FROM');
      expect(froms.length).toBeGreaterThanOrEqual(2);
      expect(froms[0]!.args).toMatch(/ AS build$/i);
      const runtime = steps.slice(froms.at(-1)!.index);

      const users = runtime.filter((step) => step.op === 'USER').map((step) => step.args);
      expect(users.length, 'the runtime stage sets USER').toBeGreaterThan(0);
      expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);

      const entrypoint = runtime.filter((step) => step.op === 'ENTRYPOINT').at(-1);
      expect(JSON.parse(entrypoint!.args)).toEqual(['node', '/app/dist/cli.js']);
      // /app holds the deployed package, so /app/dist/cli.js is its one bin.
      expect(Object.entries(pkg.bin)).toEqual([[`portico-${server}`, 'dist/cli.js']]);
      expect(runtime.some((step) => step.op === 'COPY' && /--from=build\b.*\/out \/app$/.test(step.args))).toBe(true);
      // stdio is the default transport: nothing may switch the image to HTTP behind the host's back.
      expect(runtime.some((step) => /PORTICO_TRANSPORT|--transport/.test(step.args))).toBe(false);
    });

    it('builds and deploys this package, from the lockfile', () => {
      const steps = instructions(readFileSync(path, 'utf8'));
      const runs = steps.filter((step) => step.op === 'RUN').map((step) => step.args);
      expect(runs).toContain(`pnpm install --frozen-lockfile --filter "${pkg.name}..." --filter portico`);
      expect(runs).toContain(`pnpm --filter "${pkg.name}..." run build`);
      expect(runs).toContain(`pnpm --filter "${pkg.name}" deploy --prod --legacy /out`);
    });
  });
});
