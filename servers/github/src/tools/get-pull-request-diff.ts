import { continuationHint, delimitUntrusted, sliceText, z } from '@portico/protocol';
import { pullDiff } from '../lib/pulls.js';
import { pullRefFields } from './pull-fields.js';
import { githubTool, READ_ONLY } from './shared.js';

export const getPullRequestDiff = githubTool({
  name: 'get_pull_request_diff',
  title: 'Get a pull request diff',
  description: 'Returns the unified diff of a pull request, in slices of at most max_chars characters: pass start to continue where a cut result stopped.',
  toolset: 'pull_requests',
  input: z.object({
    ...pullRefFields,
    start: z.number().int().min(0).optional().describe('Character offset to start from (default 0).'),
    max_chars: z.number().int().min(1000).max(100_000).optional().describe('Largest slice to return (default 50000).'),
  }),
  output: z.object({
    diff: z.string().describe('This slice of the diff.'),
    start: z.number().describe('Offset of this slice.'),
    next_start: z.number().nullable().describe('Offset to pass as start for the rest, or null when complete.'),
    total_chars: z.number().describe('Length of the whole diff.'),
  }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const diff = await pullDiff(deps.github, args, signal);
    if (diff.length === 0) return { structured: { diff: '', start: 0, next_start: null, total_chars: 0 }, text: 'The diff is empty.' };
    const slice = sliceText(diff, args.start ?? 0, args.max_chars ?? 50_000);
    const hint = slice.truncated ? `\n${continuationHint(`Diff (${slice.total} characters)`, `start=${slice.nextStart}`)}` : '';
    return { structured: { diff: slice.text, start: slice.start, next_start: slice.nextStart, total_chars: slice.total }, text: `${delimitUntrusted(slice.text, `github pull request diff ${args.owner}/${args.repo}#${args.pull_number}`)}${hint}` };
  },
});
