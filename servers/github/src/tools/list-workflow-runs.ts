import { z } from '@portico/protocol';
import { listWorkflowRuns as list } from '../lib/actions.js';
import { resolvePaging } from '../lib/paging.js';
import { pageShape, workflowRunShape } from '../lib/shapes.js';
import { listing, runLine } from './render.js';
import { githubTool, ownerField, pagingFields, READ_ONLY, repoField } from './shared.js';

export const listWorkflowRuns = githubTool({
  name: 'list_workflow_runs',
  title: 'List GitHub Actions runs',
  description: 'Lists workflow runs of a repository (newest first), optionally of one workflow, branch or status. Paged. Then get_workflow_run shows a run\'s jobs.',
  toolset: 'actions',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    workflow_id: z.string().max(255).optional().describe('Only this workflow: its file name (e.g. "ci.yml") or numeric id.'),
    branch: z.string().max(255).optional().describe('Only runs on this branch.'),
    status: z
      .enum(['completed', 'action_required', 'cancelled', 'failure', 'neutral', 'skipped', 'stale', 'success', 'timed_out', 'in_progress', 'queued', 'requested', 'waiting', 'pending'])
      .optional()
      .describe('Only runs with this status or conclusion.'),
    event: z.string().max(100).optional().describe('Only runs triggered by this event, e.g. "push" or "pull_request".'),
    ...pagingFields,
  }),
  output: z.object({ runs: z.array(workflowRunShape).describe('Workflow runs, newest first.'), paging: pageShape }),
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const { items, paging } = await list(deps.github, { ...args, ...resolvePaging(args) }, signal);
    return { structured: { runs: items, paging }, text: listing(`Workflow runs of ${args.owner}/${args.repo}:`, items.map(runLine), paging) };
  },
});
