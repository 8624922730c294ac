import { z } from '@portico/protocol';
import { createIssue as create } from '../lib/issues.js';
import { issueShape } from '../lib/shapes.js';
import { issueText, issueWriteFields } from './issue-fields.js';
import { githubTool, ownerField, repoField, writer } from './shared.js';

export const createIssue = githubTool({
  name: 'create_issue',
  title: 'Create an issue',
  description: 'Opens a new issue in a repository.',
  toolset: 'issues',
  input: z.object({ owner: ownerField, repo: repoField, title: z.string().min(1).max(256).describe('Issue title.'), ...issueWriteFields }),
  output: issueShape,
  annotations: writer(false, false),
  auditOmit: ['body'],
  async handler(args, { deps, signal }) {
    const issue = await create(deps.github, args, signal);
    return { structured: issue, text: `Created issue ${issueText(issue, `${args.owner}/${args.repo}`)}` };
  },
});
