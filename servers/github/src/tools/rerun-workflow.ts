import { z } from '@portico/protocol';
import { rerunWorkflow as rerun } from '../lib/actions.js';
import { githubTool, ownerField, repoField, writer } from './shared.js';

export const rerunWorkflow = githubTool({
  name: 'rerun_workflow',
  title: 'Re-run a GitHub Actions run',
  description: 'Re-runs a completed workflow run, all jobs or only the failed ones. Needs the "workflow" scope (classic) or Actions write permission.',
  toolset: 'actions',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    run_id: z.number().int().positive().describe('Workflow run id (from list_workflow_runs).'),
    failed_only: z.boolean().optional().describe('Re-run only the failed jobs (default false: all jobs).'),
  }),
  output: z.object({ run_id: z.number().describe('Run re-run.'), failed_only: z.boolean().describe('Whether only failed jobs were re-run.') }),
  annotations: writer(false, false),
  async handler(args, { deps, signal }) {
    const result = await rerun(deps.github, { ...args, failed_only: args.failed_only ?? false }, signal);
    return { structured: result, text: `Re-run of ${result.failed_only ? 'the failed jobs of ' : ''}run ${result.run_id} in ${args.owner}/${args.repo} requested; follow it with get_workflow_run.` };
  },
});
