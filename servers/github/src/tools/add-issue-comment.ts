import { z } from '@portico/protocol';
import { addIssueComment as add } from '../lib/issues.js';
import { commentShape } from '../lib/shapes.js';
import { githubTool, numberField, ownerField, repoField, writer } from './shared.js';

export const addIssueComment = githubTool({
  name: 'add_issue_comment',
  title: 'Comment on an issue or pull request',
  description: 'Adds a comment to an issue or a pull request (pull requests share the issue comment thread).',
  toolset: 'issues',
  input: z.object({ owner: ownerField, repo: repoField, issue_number: numberField('Issue or pull request'), body: z.string().min(1).max(65_536).describe('Comment text in Markdown.') }),
  output: commentShape,
  annotations: writer(false, false),
  auditOmit: ['body'],
  async handler(args, { deps, signal }) {
    const comment = await add(deps.github, args, signal);
    return { structured: comment, text: `Commented on #${args.issue_number} in ${args.owner}/${args.repo}: ${comment.html_url}` };
  },
});
