import { z } from '@portico/protocol';
import { pullStatus } from '../lib/pulls.js';
import { checkRunShape, statusShape } from '../lib/shapes.js';
import { pullRefFields } from './pull-fields.js';
import { githubTool, READ_ONLY } from './shared.js';

export const getPullRequestStatus = githubTool({
  name: 'get_pull_request_status',
  title: 'Get CI status of a pull request',
  description: 'Returns the CI state of a pull request\'s head commit: commit statuses and check runs (GitHub Actions and apps), with an overall verdict. For a failing GitHub Actions check, continue with list_workflow_runs / get_workflow_run / get_job_logs.',
  toolset: 'pull_requests',
  input: z.object(pullRefFields),
  output: z.object({
    sha: z.string().describe('Head commit checked.'),
    overall: z
      .string()
      .describe(
        'success, pending, failure, none (no checks at all), or incomplete (nothing failing among the check runs read, but not all could be read): the worst of GitHub\'s combined status, the statuses and the check runs.',
      ),
    combined_state: z.string().describe('GitHub\'s combined commit status (statuses only, not check runs); it covers every status, also those not listed.'),
    statuses: z.array(statusShape).describe('Commit statuses (up to 300).'),
    statuses_total: z.number().describe('How many statuses GitHub reports (total_count); more than listed when incomplete.'),
    check_runs: z.array(checkRunShape).describe('Check runs (up to 300).'),
    check_runs_total: z.number().nullable().describe('How many check runs GitHub reports (total_count); null when they could not be read.'),
    incomplete: z.boolean().describe('True when GitHub reports more statuses or check runs than were read.'),
    incomplete_note: z.string().nullable().describe('What was not read, when incomplete.'),
    check_runs_note: z.string().nullable().describe('Why check runs could not be read, when they could not.'),
  }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const s = await pullStatus(deps.github, args, signal);
    const lines = [
      ...s.statuses.map((x) => `status ${x.context}: ${x.state}${x.description ? ` (${x.description})` : ''}`),
      ...s.check_runs.map((c) => `check ${c.name}: ${c.status === 'completed' ? (c.conclusion ?? 'done') : c.status}${c.app ? ` [${c.app}]` : ''}`),
    ];
    return {
      structured: s,
      text: [
        `Pull request #${args.pull_number} in ${args.owner}/${args.repo}, head ${s.sha.slice(0, 7)}: ${s.overall}${s.statuses_total > 0 ? ` (GitHub's combined status: ${s.combined_state})` : ''}`,
        lines.join('\n') || 'No statuses or check runs.',
        ...(s.incomplete_note ? [`(Not complete: ${s.incomplete_note}.)`] : []),
        ...(s.check_runs_note ? [`(${s.check_runs_note})`] : []),
      ].join('\n'),
    };
  },
});
