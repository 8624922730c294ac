import { z } from '@portico/protocol';
import { updateIssue as update } from '../lib/issues.js';
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
  async handler(args, { deps, signal }) {
    const issue = await update(deps.github, args, signal);
    return { structured: issue, text: `Updated issue ${issueText(issue)}` };
  },
});
