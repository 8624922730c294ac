import { defineTool, ToolError, type ToolContext, z } from '@portico/protocol';
import { listTags } from '../lib/refs.js';
import { createTag } from '../lib/writes.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';
import { tagListing, tagSchema } from './git-tag-list.js';

export const gitTag = defineTool({
  name: 'git_tag',
  title: 'List or create tags',
  description: 'Action "list" lists tags (newest first); action "create" creates a tag at a revision (default HEAD), annotated when a message is given. Existing tags are never moved or deleted. Tags are not signed.',
  toolset: 'write',
  input: z.object({
    repo_path: repoPathField,
    action: z.enum(['list', 'create']).describe('list or create.'),
    name: z.string().max(255).optional().describe('create: the tag name, e.g. "v1.2.0".'),
    revision: z.string().optional().describe('create: branch, tag or commit to tag (default HEAD).'),
    message: z.string().max(10_000).optional().describe('create: a message, which makes an annotated tag.'),
    offset: z.number().int().min(0).default(0).describe('list: number of tags to skip.'),
  }),
  output: z.object({
    tags: z.array(tagSchema).describe('list: tags, newest first; create: the new tag.'),
    next_offset: z.number().nullable().describe('list: offset for the next page, or null.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async ({ repo }) => {
      if (args.action === 'list') return tagListing(await listTags(repo), args.offset);
      if (!args.name) throw new ToolError('create needs a tag name.', { code: 'invalid_argument', hint: 'pass name, e.g. "v1.2.0".' });
      const oid = args.revision ? await repo.resolveCommit(args.revision, 'revision') : await repo.headCommit();
      await createTag(repo, args.name, oid, args.message);
      const created = (await listTags(repo)).filter((t) => t.name === args.name);
      return { structured: { tags: created, next_offset: null }, text: `Created ${args.message !== undefined ? 'annotated ' : ''}tag '${args.name}' at ${oid.slice(0, 12)}.` };
    });
  },
});
