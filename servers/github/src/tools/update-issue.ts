import { stripInvisibleText, z } from '@portico/protocol';
import { getIssue, updateIssue as update } from '../lib/issues.js';
import { issueShape } from '../lib/shapes.js';
import { issueText, issueWriteFields } from './issue-fields.js';
import { githubTool, numberField, ownerField, repoField, writer } from './shared.js';

export const updateIssue = githubTool({
  name: 'update_issue',
  title: 'Update an issue',
  description: 'Changes an issue\'s title, body, state, labels, assignees or milestone. Only the fields given change; labels and assignees, when given, replace the current ones.',
  toolset: 'issues',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    issue_number: numberField('Issue'),
    title: z.string().min(1).max(256).optional().describe('New title.'),
    state: z.enum(['open', 'closed']).optional().describe('Open or close the issue.'),
    state_reason: z.enum(['completed', 'not_planned', 'reopened']).optional().describe('Why it was closed or reopened.'),
    ...issueWriteFields,
  }),
  output: issueShape,
  annotations: writer(true, true),
  auditOmit: ['body'],
  // What gets replaced, field by field; one GET names the issue and checks it exists before anyone is asked.
  async preview(args, { deps, signal }) {
    const issue = await getIssue(deps.github, args, signal);
    const changes = [
      args.title !== undefined ? `title becomes "${args.title}"` : '',
      args.state !== undefined ? `state becomes ${args.state}${args.state_reason ? ` (${args.state_reason})` : ''}` : '',
      args.body !== undefined ? `the body (${issue.body?.length ?? 0} characters now) is replaced by ${args.body.length} characters` : '',
      args.labels !== undefined ? `labels [${issue.labels.join(', ')}] are replaced by [${args.labels.join(', ')}]` : '',
      args.assignees !== undefined ? `assignees [${issue.assignees.join(', ')}] are replaced by [${args.assignees.join(', ')}]` : '',
      args.milestone !== undefined ? `milestone becomes ${args.milestone}` : '',
    ].filter(Boolean);
    return `Update issue #${issue.number} "${stripInvisibleText(issue.title)}" of ${args.owner}/${args.repo}: ${changes.length ? changes.join('; ') : 'nothing (no field given)'}.`;
  },
  async handler(args, { deps, signal }) {
    const issue = await update(deps.github, args, signal);
    return { structured: issue, text: `Updated issue ${issueText(issue, `${args.owner}/${args.repo}`)}` };
  },
});
