import { delimitUntrusted, z } from '@portico/protocol';
import { jobLogTail } from '../lib/actions.js';
import { githubTool, ownerField, READ_ONLY, repoField } from './shared.js';

export const getJobLogs = githubTool({
  name: 'get_job_logs',
  title: 'Get the end of a job\'s logs',
  description: 'Returns the last lines of a GitHub Actions job\'s log (where failures are), within a character budget, with colour codes removed. Raise tail_lines to see more.',
  toolset: 'actions',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    job_id: z.number().int().positive().describe('Job id (from get_workflow_run).'),
    tail_lines: z.number().int().min(1).max(10_000).optional().describe('How many lines from the end (default 200).'),
    max_chars: z.number().int().min(500).max(100_000).optional().describe('Character budget for the returned text (default 20000); older lines are dropped first.'),
  }),
  output: z.object({
    job_id: z.number().describe('Job id.'),
    log: z.string().describe('The tail of the log.'),
    lines_returned: z.number().describe('Lines returned.'),
    total_bytes: z.number().describe('Size of the whole log in bytes.'),
    truncated: z.boolean().describe('True when earlier lines were left out.'),
  }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const tail = await jobLogTail(deps.github, { owner: args.owner, repo: args.repo, job_id: args.job_id, tailLines: args.tail_lines ?? 200, maxChars: args.max_chars ?? 20_000 }, signal);
    const note = tail.truncated ? `[Showing the last ${tail.lines_returned} line(s) of a ${tail.total_bytes}-byte log. For more, call again with a larger tail_lines (and max_chars).]\n` : '';
    return { structured: { job_id: args.job_id, log: tail.text, lines_returned: tail.lines_returned, total_bytes: tail.total_bytes, truncated: tail.truncated }, text: `${note}${delimitUntrusted(tail.text, `github actions job ${args.job_id} log in ${args.owner}/${args.repo}`)}` };
  },
});
