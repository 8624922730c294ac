import { ToolError, z } from '@portico/protocol';
import { firstLine } from '../lib/compact.js';
import { existingFileSha, putFile } from '../lib/contents.js';
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
  auditOmit: ['content'],
  // Only an update destroys anything (the old version stays in history, but the branch no longer has it).
  // With sha the caller says it is an update; without, one GET tells (the same lookup the handler makes).
  async preview(args, { deps, signal }) {
    const path = checkedPath(args.path);
    deps.github.assertRepo(args.owner, args.repo);
    const where = `${path} on branch ${args.branch} of ${args.owner}/${args.repo}`;
    const size = `${args.content.length} character(s)`;
    if (args.sha) {
      return `Overwrite the existing file ${where} (currently blob ${args.sha}) with ${size}, committing "${firstLine(args.message, 200)}". If the file changed since that sha, GitHub refuses and nothing is written.`;
    }
    const current = await existingFileSha(deps.github, { owner: args.owner, repo: args.repo, path, branch: args.branch }, signal);
    // A new file destroys nothing: no confirmation under --confirm destructive. (A file someone else creates
    // in the one round trip before the handler's own lookup would be updated unconfirmed; GitHub has no
    // create-only write to close that window.)
    if (current === undefined) return undefined;
    return `Overwrite the existing file ${where} (currently blob ${current}) with ${size}, committing "${firstLine(args.message, 200)}".`;
  },
  async handler(args, { deps, signal }) {
    const path = checkedPath(args.path);
    const result = await putFile(deps.github, { ...args, path }, signal);
    return {
      structured: result,
      text: `${result.created ? 'Created' : 'Updated'} ${result.path} on ${args.branch} of ${args.owner}/${args.repo} in commit ${result.commit_sha.slice(0, 7)} (new file sha ${result.sha}).`,
    };
  },
});

function checkedPath(raw: string): string {
  const path = raw.replace(/^\/+/, '');
  const problem = repoPathProblem(path);
  if (problem) throw new ToolError(`path "${raw}" ${problem}.`, { hint: 'give a path relative to the repository root.', code: 'invalid_path' });
  return path;
}
