import { DEFAULT_TEXT_BUDGET, defineTool, type ToolContext, z } from '@portico/protocol';
import { repoPathspecs } from '../lib/access.js';
import { readLog, renderCommit } from '../lib/log.js';
import type { GitDeps } from '../deps.js';
import { commitSchema } from './schemas.js';
import { inRepo, repoPathField } from './shared.js';

/** Text budget for one page of log; commits past it move to the next page. */
const LOG_TEXT_BUDGET = DEFAULT_TEXT_BUDGET;

const dateHelp = "Accepts ISO 8601 (e.g. '2024-01-15T14:30:25'), relative dates (e.g. '2 weeks ago', 'yesterday') or absolute dates (e.g. '2024-01-15', 'Jan 15 2024').";

export const gitLog = defineTool({
  name: 'git_log',
  title: 'Commit history',
  description:
    'Shows the commit logs, newest first, as structured commits. Filters: date range, path(s), author and message text. Paged with skip: the answer gives the next skip value when there are more.',
  toolset: 'read',
  input: z.object({
    repo_path: repoPathField,
    max_count: z.number().int().min(1).max(1000).default(10).describe('Largest number of commits to return (default 10, at most 1000).'),
    start_timestamp: z.string().nullish().describe(`Only commits after this date. ${dateHelp}`),
    end_timestamp: z.string().nullish().describe(`Only commits before this date. ${dateHelp}`),
    revision: z.string().optional().describe('Start from this branch, tag or commit instead of HEAD.'),
    all: z.boolean().default(false).describe('Include commits from every branch and tag, not only those reachable from HEAD (or revision).'),
    paths: z.array(z.string()).max(100).optional().describe('Only commits that touch these files or folders (relative to the repository top level). Entries are literal paths; prefix one with ":(glob)" for a git glob pattern (e.g. ":(glob)src/**/*.ts": * stays within a folder, ** crosses folders).'),
    path: z.string().optional().describe('Only commits that touch this file or folder (shorthand for paths with one entry; ":(glob)" patterns too).'),
    author: z.string().optional().describe('Only commits whose author name or e-mail contains this text (case-insensitive).'),
    message: z.string().optional().describe('Only commits whose message contains this text (case-insensitive).'),
    skip: z.number().int().min(0).default(0).describe('Number of matching commits to skip, to get the next page.'),
  }),
  output: z.object({
    commits: z.array(commitSchema).describe('Commits, newest first.'),
    next_skip: z.number().nullable().describe('skip value for the next page, or null when there are no more commits.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args, ctx: ToolContext<GitDeps>) {
    return inRepo(ctx, args.repo_path, async (opened) => {
      const { repo } = opened;
      if (!args.all && (await repo.isUnborn())) {
        return { structured: { commits: [], next_skip: null }, text: 'Commit history:\nThe repository has no commits yet (stage files with git_add, then git_commit).' };
      }
      const from = args.revision ? await repo.resolveCommit(args.revision, 'revision') : undefined;
      const paths = await repoPathspecs(opened, [...(args.path ? [args.path] : []), ...(args.paths ?? [])]);
      const page = await readLog(repo, {
        maxCount: args.max_count,
        skip: args.skip,
        from,
        all: args.all,
        since: args.start_timestamp ?? undefined,
        until: args.end_timestamp ?? undefined,
        author: args.author,
        grep: args.message,
        paths,
      });
      // Keep whole commits within the text budget; the rest goes to the next page.
      const rendered: string[] = [];
      let used = 0;
      for (const commit of page.commits) {
        const text = renderCommit(commit);
        if (rendered.length > 0 && used + text.length > LOG_TEXT_BUDGET) break;
        rendered.push(text);
        used += text.length;
      }
      const commits = page.commits.slice(0, rendered.length);
      const nextSkip = commits.length < page.commits.length ? args.skip + commits.length : page.nextSkip;
      let text = `Commit history:\n${rendered.join('\n') || 'No commits match.'}`;
      if (nextSkip !== null) text += `\n[Log truncated. To get the rest, call again with skip=${nextSkip}.]`;
      return { structured: { commits, next_skip: nextSkip }, text };
    });
  },
});
