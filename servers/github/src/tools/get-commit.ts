import { delimitUntrusted, z } from '@portico/protocol';
import { getCommit as get } from '../lib/repos.js';
import { commitFileShape } from '../lib/shapes.js';
import { githubTool, ownerField, READ_ONLY, repoField } from './shared.js';

const MAX_FILES = 300;

export const getCommit = githubTool({
  name: 'get_commit',
  title: 'Get a commit',
  description: 'Returns one commit: message, author, parents, and diff statistics (lines added/removed in total and per file, up to 300 files).',
  toolset: 'repos',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    sha: z.string().min(1).max(255).describe('Commit SHA, branch or tag.'),
  }),
  output: z.object({
    sha: z.string().describe('Commit SHA.'),
    message: z.string().describe('Commit message.'),
    author_name: z.string().nullable().describe('Git author name.'),
    author_login: z.string().nullable().describe('GitHub login of the author.'),
    date: z.string().nullable().describe('Author date.'),
    html_url: z.string().nullable().describe('Web page.'),
    parents: z.array(z.string()).describe('Parent SHAs.'),
    stats: z.object({ additions: z.number().describe('Lines added.'), deletions: z.number().describe('Lines removed.'), total: z.number().describe('Lines changed.') }).describe('Diff statistics.'),
    files: z.array(commitFileShape).describe('Changed files (first 300).'),
    files_total: z.number().describe('Number of changed files GitHub returned.'),
  }),
  annotations: READ_ONLY,
  async handler({ owner, repo, sha }, { deps, signal }) {
    const c = await get(deps.github, { owner, repo, ref: sha, maxFiles: MAX_FILES }, signal);
    const lines = c.files.map((f) => `  ${f.status.padEnd(8)} ${f.filename} (+${f.additions} -${f.deletions})`);
    const more = c.files_total > c.files.length ? `\n  ... and ${c.files_total - c.files.length} more files` : '';
    return {
      structured: c,
      text: `Commit ${c.sha} by ${c.author_login ?? c.author_name ?? 'unknown'} on ${c.date ?? '?'}\n${delimitUntrusted(c.message, `github commit message ${owner}/${repo}@${c.sha.slice(0, 12)}`)}\n\n+${c.stats.additions} -${c.stats.deletions} in ${c.files_total} file(s):\n${lines.join('\n')}${more}`,
    };
  },
});
