import { defineTool, z } from '@portico/protocol';
import { compileGlob, compileGlobList, dirMayContain, type PathMatcher, staticBase } from '../lib/glob.js';
import { type DirectoryListing, Walker } from '../lib/walk.js';
import { type Ctx, guard, progressReporter, READER, requestSandbox } from './common.js';
import { resolveWalkRoot } from './walk-root.js';

export const searchFilesTool = defineTool({
  name: 'search_files',
  title: 'Search files',
  description:
    'Recursively search for files and directories whose path matches a glob pattern. Patterns match paths ' +
    'relative to the directory searched: "*.ext" matches files directly in it, "**/*.ext" at any depth. ' +
    'Returns full paths. Symbolic links are reported, never followed. Bounded by maxResults and maxDepth; ' +
    'optionally skips what .gitignore ignores. Only searches within allowed directories.',
  toolset: 'search',
  input: z.object({
    path: z.string().describe('Directory to search in: absolute, or relative to the first allowed directory.'),
    pattern: z.string().describe('Glob pattern matched against paths relative to path, e.g. "**/*.ts" or "src/*.json".'),
    excludePatterns: z.array(z.string()).optional().default([]).describe('Glob patterns to leave out; a pattern without "/" (e.g. "node_modules") matches names at any depth.'),
    maxResults: z.number().int().min(1).max(100_000).default(1000).describe('Most matches to return (default 1000).'),
    maxDepth: z.number().int().min(1).max(100).optional().describe('Deepest level to search (1 = only the direct children). Default: no limit.'),
    respectGitignore: z.boolean().default(false).describe('Skip what .gitignore files ignore, and the .git directory (default false, like the official server).'),
  }),
  output: z.object({
    matches: z.array(z.string()).describe('Full paths of the matching files and directories.'),
    truncated: z.boolean().describe('True when maxResults stopped the search.'),
    entriesScanned: z.number().int().describe('Entries looked at.'),
  }),
  annotations: READER,
  async handler({ path, pattern, excludePatterns, maxResults, maxDepth, respectGitignore }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const matches = compileGlob(pattern);
      const exclude = compileGlobList(excludePatterns);
      const base = staticBase(pattern);
      const root = await resolveWalkRoot(sandbox, path);
      const walker = new Walker(root.path, {
        ...(maxDepth ? { maxDepth } : {}),
        respectGitignore,
        ...(exclude ? { exclude } : {}),
        descendInto: (rel) => dirMayContain(base, rel),
        gitignoreAncestors: root.gitignoreAncestors,
        signal: ctx.signal,
        onProgress: progressReporter(ctx, 'entries scanned'),
      });
      const found: string[] = [];
      let truncated = false;
      for await (const listing of walker.directories()) {
        if (!addMatches(listing, matches, found, maxResults)) {
          truncated = true;
          break;
        }
      }
      let text = found.length > 0 ? found.join('\n') : 'No matches found';
      if (found.length === 0 && !pattern.includes('/') && !pattern.startsWith('**')) {
        text += `\n(The pattern matches only entries directly in ${path}; use "**/${pattern}" to search at any depth.)`;
      }
      if (truncated) text += `\n[Stopped at ${maxResults} matches. Narrow the pattern or path, or pass a larger maxResults.]`;
      return { structured: { matches: found, truncated, entriesScanned: walker.stats.entriesSeen }, text };
    });
  },
});

/**
 * Appends the full paths of a listing's matching entries to `found`; false when maxResults was reached with
 * a match left over. A plain function so V8 optimises the loop at once (inside the async handler it would
 * not be for the first several calls).
 */
function addMatches(listing: DirectoryListing, matches: PathMatcher, found: string[], maxResults: number): boolean {
  const relPrefix = listing.rel === '' ? '' : `${listing.rel}/`;
  for (const name of listing.names) {
    if (!matches(relPrefix + name, name)) continue;
    if (found.length >= maxResults) return false;
    found.push(listing.absPrefix + name);
  }
  return true;
}
