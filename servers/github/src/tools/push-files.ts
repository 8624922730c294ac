import { z } from '@portico/protocol';
import { firstLine } from '../lib/compact.js';
import { branchHead, pushFiles as push, validatePushFiles } from '../lib/git-data.js';
import { githubTool, ownerField, repoField, writer } from './shared.js';

/** Paths listed in the confirmation; the rest are counted. */
const MAX_PREVIEW_PATHS = 20;

export const pushFiles = githubTool({
  name: 'push_files',
  title: 'Push several files in one commit',
  description:
    'Commits several text files to a branch in a single commit on top of its current head. Never force-pushes: if the branch moves meanwhile, the call fails saying so and nothing is overwritten (call again to commit on the new head).',
  toolset: 'repos',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    branch: z.string().min(1).max(255).describe('Branch to push to (must exist), e.g. "main".'),
    files: z
      .array(z.object({ path: z.string().min(1).max(4096).describe('Path from the repository root.'), content: z.string().max(50_000_000).describe('Full content of the file (UTF-8 text).') }))
      .min(1)
      .max(500)
      .describe('Files to write (each replaces the whole file).'),
    message: z.string().min(1).max(10_000).describe('Commit message.'),
  }),
  output: z.object({
    branch: z.string().describe('Branch updated.'),
    commit_sha: z.string().describe('The new commit.'),
    parent_sha: z.string().describe('The commit it was made on top of.'),
    files: z.array(z.string()).describe('Paths written.'),
    html_url: z.string().nullable().describe('Web page of the commit.'),
  }),
  annotations: writer(true, false),
  auditOmit: ['files'],
  // Which paths exist already would need the whole tree; the branch head is one cheap GET and pins what
  // "on top of" means (if the branch moves before the push, the push fails instead of overwriting).
  async preview(args, { deps, signal }) {
    deps.github.assertRepo(args.owner, args.repo);
    validatePushFiles(args.files);
    const head = await branchHead(deps.github, args.owner, args.repo, args.branch, signal);
    const shown = args.files.slice(0, MAX_PREVIEW_PATHS).map((f) => `  ${f.path.replace(/^\/+/, '')} (${f.content.length} characters)`);
    const more = args.files.length > MAX_PREVIEW_PATHS ? [`  ... and ${args.files.length - MAX_PREVIEW_PATHS} more`] : [];
    return [
      `Commit ${args.files.length} file(s) to branch ${args.branch} of ${args.owner}/${args.repo}, on top of its head ${head.slice(0, 12)}, as "${firstLine(args.message, 200)}".`,
      'Each file replaces the whole file at that path if one exists:',
      ...shown,
      ...more,
    ].join('\n');
  },
  async handler(args, { deps, signal }) {
    const result = await push(deps.github, args, signal);
    return { structured: result, text: `Pushed ${result.files.length} file(s) to ${args.branch} of ${args.owner}/${args.repo}: commit ${result.commit_sha.slice(0, 7)} on top of ${result.parent_sha.slice(0, 7)} (fast-forward).` };
  },
});
