import { defineTool, type ToolContext, z } from '@portico/protocol';
import { listRemotes } from '../lib/refs.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

export const gitRemoteList = defineTool({
  name: 'git_remote_list',
  title: 'List remotes',
  description: 'Lists the configured remotes and their URLs (credentials in URLs are hidden). Nothing is contacted: this server has no network operations.',
  toolset: 'read',
  input: z.object({ repo_path: repoPathField }),
  output: z.object({
    remotes: z
      .array(z.object({ name: z.string().describe('Remote name.'), url: z.string().nullable().describe('Fetch URL.'), push_url: z.string().nullable().describe('Push URL when different.') }))
      .describe('Remotes, by name.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async ({ repo }) => {
      const remotes = await listRemotes(repo);
      const text = remotes.length ? remotes.map((r) => `${r.name}\t${r.url ?? '(no url)'}${r.push_url ? ` (push: ${r.push_url})` : ''}`).join('\n') : 'No remotes configured.';
      return { structured: { remotes }, text };
    });
  },
});
