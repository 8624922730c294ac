import { defineTool, type ToolContext, z } from '@portico/protocol';
import { repoFiles } from '../lib/access.js';
import { readStatus } from '../lib/status.js';
import { stage } from '../lib/writes.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

export const gitAdd = defineTool({
  name: 'git_add',
  title: 'Stage files',
  description: 'Adds file contents to the staging area (index). Paths are relative to the repository top level; "." stages every change. Deleted files can be staged by their path. Either all paths are staged or none.',
  toolset: 'write',
  input: z.object({
    repo_path: repoPathField,
    files: z.array(z.string()).min(1).max(1000).describe('Files or folders to stage, relative to the repository top level (e.g. ["src/app.ts"], or ["."] for everything).'),
  }),
  output: z.object({
    staged: z.array(z.string()).describe('Paths whose changes are now staged (from status after the add).'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async (opened) => {
      const rels = (await repoFiles(opened, args.files, 'files'))!;
      await stage(opened.repo, rels);
      const status = await readStatus(opened.repo);
      const staged = status.entries.filter((e) => e.kind !== 'untracked' && e.staged !== 'unchanged').map((e) => e.path);
      return { structured: { staged }, text: `Files staged successfully.${staged.length ? `\nStaged now: ${staged.slice(0, 50).join(', ')}${staged.length > 50 ? ` and ${staged.length - 50} more` : ''}` : ''}` };
    });
  },
});
