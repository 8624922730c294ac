import { z } from '@portico/protocol';
import { getIssue as get } from '../lib/issues.js';
import { issueShape } from '../lib/shapes.js';
import { issueText } from './issue-fields.js';
import { githubTool, numberField, ownerField, READ_ONLY, repoField } from './shared.js';

export const getIssue = githubTool({
  name: 'get_issue',
  title: 'Get an issue',
  description: 'Returns one issue (or pull request, seen as an issue) with its body, labels, assignees and state.',
  toolset: 'issues',
  input: z.object({ owner: ownerField, repo: repoField, issue_number: numberField('Issue') }),
  output: issueShape,
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const issue = await get(deps.github, args, signal);
    return { structured: issue, text: issueText(issue, `${args.owner}/${args.repo}`) };
  },
});
