import { defineTool, type ToolContext, z } from '@portico/protocol';
import { listTags } from '../lib/refs.js';
import type { GitDeps } from '../deps.js';
import { inRepo, repoPathField } from './shared.js';

export const tagSchema = z.object({
  name: z.string().describe('Tag name.'),
  commit: z.string().describe('Commit the tag points at.'),
  annotated: z.boolean().describe('True for annotated tags.'),
  subject: z.string().describe('Tag message (annotated) or commit subject.'),
  date: z.string().describe('Tag or commit date, ISO 8601.'),
});

const MAX_TAGS = 500;

export const gitTagList = defineTool({
  name: 'git_tag_list',
  title: 'List tags',
  description: 'Lists tags, newest first, with the commit each points at. Read-only twin of git_tag action=list.',
  toolset: 'read',
  input: z.object({
    repo_path: repoPathField,
    offset: z.number().int().min(0).default(0).describe('Number of tags to skip, to continue a cut list.'),
  }),
  output: z.object({
    tags: z.array(tagSchema).describe('Tags, newest first.'),
    next_offset: z.number().nullable().describe('offset for the next page, or null.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async ({ repo }) => tagListing(await listTags(repo), args.offset));
  },
});

export function tagListing(all: Awaited<ReturnType<typeof listTags>>, offset: number) {
  const tags = all.slice(offset, offset + MAX_TAGS);
  const next = offset + tags.length < all.length ? offset + tags.length : null;
  let text = tags.length ? tags.map((t) => `${t.name}  ${t.commit.slice(0, 12)}  ${t.subject}`).join('\n') : 'No tags.';
  if (next !== null) text += `\n[Tags truncated. To get the rest, call again with offset=${next}.]`;
  return { structured: { tags, next_offset: next }, text };
}
