import { continuationHint, DEFAULT_TEXT_BUDGET, delimitUntrusted, sliceText, stripInvisible, ToolError, z } from '@portico/protocol';
import { getContents } from '../lib/contents.js';
import { repoPathProblem } from '../lib/paths.js';
import { contentEntryShape } from '../lib/shapes.js';
import { githubTool, ownerField, READ_ONLY, repoField } from './shared.js';

export const getFileContents = githubTool({
  name: 'get_file_contents',
  title: 'Get file or directory contents',
  description:
    'Reads a file (text, or binary as a base64 resource) or lists a directory in a repository. Returns the file\'s sha, which create_or_update_file needs to update it. Files up to 10 MB are read (binary ones up to 750 KB). Long text is returned in slices: pass start to continue. Invisible and bidirectional control characters are removed from text, and their number reported; the text rendering marks the content as untrusted data.',
  toolset: 'repos',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    path: z.string().max(4096).describe('Path from the repository root, e.g. "src/index.ts"; "" or "/" for the root directory.'),
    branch: z.string().max(255).optional().describe('Branch, tag or commit SHA to read from (default: the default branch).'),
    start: z.number().int().min(0).optional().describe('Character offset to start a long text file from (default 0), as given by a previous truncated result.'),
  }),
  output: z.object({
    type: z.enum(['file', 'dir', 'symlink', 'submodule', 'binary']).describe('What the path is.'),
    path: z.string().describe('Path read.'),
    sha: z.string().nullable().describe('Blob SHA of the file (pass to create_or_update_file to update it).'),
    size: z.number().nullable().describe('File size in bytes.'),
    content: z.string().nullable().describe('Text content (this slice), or null for directories and binary files.'),
    start: z.number().nullable().describe('Offset of this slice.'),
    next_start: z.number().nullable().describe('Offset to pass as start for the rest, or null when complete.'),
    removed_control_characters: z.number().describe('Invisible/bidirectional control characters removed from the text.'),
    mime_type: z.string().nullable().describe('MIME type of a binary file (its bytes are in a resource block).'),
    entries: z.array(contentEntryShape).nullable().describe('Directory entries, or null for files.'),
    html_url: z.string().nullable().describe('Web page of the file.'),
  }),
  annotations: READ_ONLY,
  async handler({ owner, repo, path, branch, start }, { deps, signal }) {
    const clean = path.replace(/^\/+/, '').replace(/\/+$/, '');
    const problem = repoPathProblem(clean);
    if (problem) throw new ToolError(`path "${path}" ${problem}.`, { hint: 'give a path relative to the repository root.', code: 'invalid_path' });
    const got = await getContents(deps.github, { owner, repo, path: clean, ref: branch }, signal);
    const none = { sha: null, size: null, content: null, start: null, next_start: null, removed_control_characters: 0, mime_type: null, entries: null, html_url: null };
    if (got.kind === 'dir') {
      const lines = got.entries.map((e) => `${e.type === 'dir' ? 'dir ' : 'file'} ${e.path}${e.type === 'file' ? ` (${e.size} bytes)` : ''}`);
      return { structured: { ...none, type: 'dir' as const, path: clean, entries: got.entries }, text: `Directory ${clean || '/'} of ${owner}/${repo}:\n${lines.join('\n') || '(empty)'}` };
    }
    if (got.kind === 'other') {
      const type = got.type === 'submodule' ? ('submodule' as const) : ('symlink' as const);
      return { structured: { ...none, type, path: got.path, sha: got.sha, html_url: got.html_url }, text: `${got.path} is a ${got.type}${got.target ? ` pointing to ${got.target}` : ''}.` };
    }
    if (got.kind === 'binary') {
      const uri = got.html_url ?? `github://${owner}/${repo}/${got.path}`;
      return {
        structured: { ...none, type: 'binary' as const, path: got.path, sha: got.sha, size: got.size, mime_type: got.mimeType, html_url: got.html_url },
        text: `${got.path} is a binary file (${got.size} bytes, ${got.mimeType}, sha ${got.sha}); its bytes are attached as a base64 resource.`,
        content: [{ type: 'resource', resource: { uri, mimeType: got.mimeType, blob: got.base64 } }],
      };
    }
    const cleaned = stripInvisible(got.text);
    const slice = cleaned.text.length === 0 ? { text: '', start: 0, nextStart: null, total: 0, truncated: false } : sliceText(cleaned.text, start ?? 0, DEFAULT_TEXT_BUDGET);
    const notes: string[] = [];
    if (cleaned.removed) notes.push(`[${cleaned.removed} invisible or bidirectional control character(s) removed from this file's text.]`);
    if (slice.truncated) notes.push(continuationHint(`File (${slice.total} characters)`, `start=${slice.nextStart}`));
    return {
      structured: { ...none, type: 'file' as const, path: got.path, sha: got.sha, size: got.size, content: slice.text, start: slice.start, next_start: slice.nextStart, removed_control_characters: cleaned.removed, html_url: got.html_url },
      text: `${got.path} (sha ${got.sha}, ${got.size} bytes):\n${delimitUntrusted(slice.text, `github file ${owner}/${repo}/${got.path}${branch ? `@${branch}` : ''}`)}${notes.length ? `\n${notes.join('\n')}` : ''}`,
    };
  },
});
