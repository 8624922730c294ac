import { dirname } from 'node:path';
import { defineTool, type ToolContext, z } from '@portico/protocol';
import { includesLeaveBeforeGit, requestSandbox } from '../lib/access.js';
import { locateRepository } from '../lib/repo.js';
import type { GitDeps } from '../deps.js';
import { toToolError } from './shared.js';

export const gitListRepositories = defineTool({
  name: 'git_list_repositories',
  title: 'List allowed repositories',
  description:
    'Lists the directories this server may use (its arguments, narrowed by the client\'s roots) and whether each is itself a git repository. Pass one of them, or a repository inside one, as repo_path to the other tools.',
  toolset: 'read',
  input: z.object({}),
  output: z.object({
    repositories: z
      .array(
        z.object({
          path: z.string().describe('Absolute path of the allowed directory.'),
          is_repository: z.boolean().describe('True when the directory is the top level of a git work tree.'),
        }),
      )
      .describe('Allowed directories.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(_args, ctx: ToolContext<GitDeps>) {
    try {
      const sandbox = await requestSandbox(ctx.deps.access, { clientRoots: () => ctx.clientRoots(), signal: ctx.signal });
      const repositories = [];
      const options = { policy: ctx.deps.access.policy, signal: ctx.signal, baseEnv: ctx.deps.access.baseEnv };
      const allowed = (real: string) => sandbox.rootOf(real) !== undefined;
      for (const root of sandbox.roots) {
        let isRepo = false;
        try {
          // No git process in a repository whose config includes a file outside: the tools refuse it and say why.
          const refused = await includesLeaveBeforeGit(root.path, root.path, allowed, options);
          if (refused) {
            isRepo = refused.top === root.path;
          } else {
            const loc = await locateRepository(root.path, dirname(root.path) === root.path ? undefined : dirname(root.path), options);
            isRepo = loc.top === root.path;
          }
        } catch {
          isRepo = false;
        }
        repositories.push({ path: root.path, is_repository: isRepo });
      }
      const text = repositories.length
        ? repositories.map((r) => `${r.path}${r.is_repository ? '' : ' (folder: repositories inside it are allowed)'}`).join('\n')
        : 'No repository is reachable in this session: the client\'s roots do not include any of the server\'s repositories.';
      return { structured: { repositories }, text };
    } catch (error) {
      throw toToolError(error);
    }
  },
});
