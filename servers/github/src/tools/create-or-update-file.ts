import { ToolError, z } from '@portico/protocol';
import { putFile } from '../lib/contents.js';
import { repoPathProblem } from '../lib/paths.js';
import { githubTool, ownerField, repoField, writer } from './shared.js';

export const createOrUpdateFile = githubTool({
  name: 'create_or_update_file',
  title: 'Create or update a file',
  description:
    'Writes one text file on a branch as a new commit. To update an existing file pass its current sha (from get_file_contents); without sha the current one is looked up, as the archived server did. If the file changed since that sha, GitHub answers 409 and nothing is written.',
  toolset: 'repos',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    path: z.string().min(1).max(4096).describe('Path of the file from the repository root, e.g. "docs/guide.md".'),
    content: z.string().max(50_000_000).describe('Full new content of the file, as text (UTF-8).'),
    message: z.string().min(1).max(10_000).describe('Commit message.'),
    branch: z.string().min(1).max(255).describe('Branch to commit to (must exist; see create_branch).'),
    sha: z.string().regex(/^[0-9a-f]{40}$/i, 'a blob SHA is 40 hex characters').optional().describe('Current blob SHA of the file when updating it (from get_file_contents).'),
  }),
  output: z.object({
    path: z.string().describe('Path written.'),
    sha: z.string().describe('New blob SHA of the file.'),
    commit_sha: z.string().describe('SHA of the commit made.'),
    commit_url: z.string().nullable().describe('Web page of the commit.'),
    created: z.boolean().describe('True when the file did not exist before (as far as the call knew).'),
  }),
  annotations: writer(true, false),
  async handler(args, { deps, signal }) {
    const path = args.path.replace(/^\/+/, '');
    const problem = repoPathProblem(path);
    if (problem) throw new ToolError(`path "${args.path}" ${problem}.`, { hint: 'give a path relative to the repository root.', code: 'invalid_path' });
    const result = await putFile(deps.github, { ...args, path }, signal);
    return {
      structured: result,
      text: `${result.created ? 'Created' : 'Updated'} ${result.path} on ${args.branch} of ${args.owner}/${args.repo} in commit ${result.commit_sha.slice(0, 7)} (new file sha ${result.sha}).`,
    };
  },
});
