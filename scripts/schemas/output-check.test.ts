/**
 * Every output schema the servers register takes the fast output check all the way down
 * (`@portico/protocol`'s output-check.ts). A part left to zod still validates correctly, only at zod's cost: the
 * SDK checks every result, so a 10,000-row answer would pay it again. This test names any such part, so that a
 * new schema construct is modelled in output-check.ts or at least noticed.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs module without types
import { loadDefinition, serverNames } from '../docs/tool-tables.mjs';

const repo = resolve(import.meta.dirname, '..', '..');
// new-server.test.ts scaffolds servers/scaffold-check-<pid> while this file may run: that copy is not ours to check.
const servers: string[] = (serverNames() as string[]).filter((name) => !name.startsWith('scaffold-check-'));

describe('output schemas', () => {
  for (const name of servers) {
    it(`${name}: every tool's output schema is checked without falling back to zod`, async () => {
      const { definition } = await loadDefinition(name);
      // The protocol the server itself resolves, so the check reads the same zod the schemas were built with.
      const requireFromServer = createRequire(join(repo, 'servers', name, 'package.json'));
      const { zodFallbacks } = await import(pathToFileURL(requireFromServer.resolve('@portico/protocol')).href);
      const withOutput = (definition.tools as Array<{ name: string; output?: unknown }>).filter((tool) => tool.output);
      expect(withOutput.length).toBeGreaterThan(0);
      const fallbacks = Object.fromEntries(withOutput.map((tool) => [tool.name, zodFallbacks(tool.output)]).filter(([, paths]) => paths.length > 0));
      expect(fallbacks).toEqual({});
    });
  }
});
