import { z } from '@portico/protocol';
import { resolvePaging } from '../lib/paging.js';
import { listPullFiles } from '../lib/pulls.js';
import { pageShape, pullFileShape } from '../lib/shapes.js';
import { listing } from './render.js';
import { pullRefFields } from './pull-fields.js';
import { githubTool, pagingFields, READ_ONLY } from './shared.js';

const MAX_PATCH_CHARS = 4_000;

export const getPullRequestFiles = githubTool({
  name: 'get_pull_request_files',
  title: 'List files changed by a pull request',
  description: 'Lists the files a pull request changes with line counts and a diff hunk per file (long hunks cut; use get_pull_request_diff for all of it). Paged.',
  toolset: 'pull_requests',
  input: z.object({ ...pullRefFields, ...pagingFields }),
  output: z.object({ files: z.array(pullFileShape).describe('Changed files.'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await listPullFiles(deps.github, { ...args, ...resolvePaging(args), maxPatchChars: MAX_PATCH_CHARS }, signal);
    return {
      structured: { files: items, paging },
      text: listing(`Files changed by #${args.pull_number} in ${args.owner}/${args.repo}:`, items.map((f) => `${f.status.padEnd(8)} ${f.filename}${f.previous_filename ? ` (from ${f.previous_filename})` : ''} +${f.additions} -${f.deletions}`), paging),
    };
  },
});
