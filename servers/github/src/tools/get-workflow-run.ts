import { z } from '@portico/protocol';
import { getWorkflowRun as get } from '../lib/actions.js';
import { jobShape, workflowRunShape } from '../lib/shapes.js';
import { runLine } from './render.js';
import { githubTool, ownerField, READ_ONLY, repoField } from './shared.js';

export const getWorkflowRun = githubTool({
  name: 'get_workflow_run',
  title: 'Get a GitHub Actions run',
  description: 'Returns one workflow run and its jobs, with the steps that failed. Pass a failed job\'s id to get_job_logs to read why.',
  toolset: 'actions',
  input: z.object({ owner: ownerField, repo: repoField, run_id: z.number().int().positive().describe('Workflow run id (from list_workflow_runs).') }),
  output: z.object({ run: workflowRunShape, jobs: z.array(jobShape).describe('Jobs of the run (first 100).'), jobs_total: z.number().describe('Number of jobs in the run.') }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const r = await get(deps.github, args, signal);
    const jobs = r.jobs.map((j) => `  job ${j.id} ${j.name}: ${j.status}${j.conclusion ? `/${j.conclusion}` : ''}${j.failed_steps.length ? ` (failed steps: ${j.failed_steps.join(', ')})` : ''}`);
    return { structured: r, text: `${runLine(r.run)}\n${r.run.html_url}\nJobs:\n${jobs.join('\n') || '  none'}` };
  },
});
