import { closeSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { defineTool, openForRead, z } from '@portico/protocol';
import { compileGlobList } from '../lib/glob.js';
import { compileUserRegex } from '../lib/regex-guard.js';
import { type FileSearchResult, literalMatcher, regexMatcher, searchInFd, searchInFile, type LineMatcher } from '../lib/search-content.js';
import { Walker } from '../lib/walk.js';
import { type Ctx, guard, READER, requestSandbox } from './common.js';
import { canOpenWalkedFilesSync, openWalkedFile, openWalkedFileSync } from '@portico/protocol';
import { resolveWalkRoot } from './walk-root.js';

/** Files larger than this are skipped by default (logs, dumps); pass maxFileBytes to include them. */
const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
/** How long synchronous file reads may hold the event loop before yielding. */
const YIELD_EVERY_MS = 10;

const matchSchema = z.object({
  path: z.string().describe('Full path of the file.'),
  line: z.number().int().describe('1-based line number.'),
  text: z.string().describe('The matching line (long lines are cut around the match).'),
  before: z.array(z.string()).optional().describe('Context lines before the match.'),
  after: z.array(z.string()).optional().describe('Context lines after the match.'),
});

export const searchContentTool = defineTool({
  name: 'search_content',
  title: 'Search file contents',
  description:
    'Search the text inside files under a directory, like grep: a literal string (default) or a regular ' +
    'expression, optional case-insensitivity, include/exclude globs, and context lines. Respects .gitignore ' +
    'by default, skips binary files, and stops at maxResults. Regexes run with a guard against catastrophic ' +
    'backtracking (nested repeats, backreferences and lookarounds are refused). Only searches within allowed ' +
    'directories.',
  toolset: 'search',
  input: z.object({
    path: z.string().describe('Directory to search in (or a single file): absolute, or relative to the first allowed directory.'),
    pattern: z.string().min(1).max(1000).describe('Text to find; a JavaScript regular expression when regex is true.'),
    regex: z.boolean().default(false).describe('Treat pattern as a regular expression (default false: literal text).'),
    ignoreCase: z.boolean().default(false).describe('Match regardless of letter case (default false).'),
    include: z.array(z.string()).optional().describe('Only search files matching one of these globs (e.g. "**/*.ts", "*.md"; a pattern without "/" matches file names at any depth).'),
    exclude: z.array(z.string()).optional().describe('Skip files and directories matching these globs (e.g. "dist", "**/*.min.js").'),
    respectGitignore: z.boolean().default(true).describe('Skip what .gitignore files ignore, and the .git directory (default true).'),
    contextLines: z.number().int().min(0).max(10).default(0).describe('Lines of context to show before and after each match (0-10, default 0).'),
    maxResults: z.number().int().min(1).max(5000).default(200).describe('Most matching lines to return (default 200).'),
    maxFileBytes: z.number().int().min(1).optional().describe(`Skip files larger than this many bytes (default ${DEFAULT_MAX_FILE_BYTES}).`),
  }),
  output: z.object({
    matches: z.array(matchSchema).describe('Matching lines, by file then line.'),
    filesSearched: z.number().int().describe('Text files searched.'),
    filesWithMatches: z.number().int().describe('Files with at least one match.'),
    skippedBinary: z.number().int().describe('Files skipped as binary.'),
    skippedLarge: z.number().int().describe('Files skipped for being larger than maxFileBytes.'),
    truncated: z.boolean().describe('True when there are more matches than maxResults returned.'),
  }),
  annotations: READER,
  async handler(args, ctx: Ctx) {
    return guard(args.path, async () => {
      const sandbox = await requestSandbox(ctx);
      const matcher: LineMatcher = args.regex ? regexMatcher(compileUserRegex(args.pattern, args.ignoreCase)) : literalMatcher(args.pattern, args.ignoreCase);
      const include = compileGlobList(args.include);
      const exclude = compileGlobList(args.exclude);
      const maxFileBytes = args.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
      const stats = { filesSearched: 0, filesWithMatches: 0, skippedBinary: 0, skippedLarge: 0 };
      const matches: z.infer<typeof matchSchema>[] = [];
      let truncated = false;

      const buffer = Buffer.allocUnsafe(64 * 1024);
      let lastYield = performance.now();
      const fileOptions = () => ({ matcher, contextLines: args.contextLines, maxMatches: args.maxResults - matches.length, signal: ctx.signal, buffer });
      const recordFile = (r: FileSearchResult | 'large', realPath: string) => {
        if (r === 'large') {
          stats.skippedLarge += 1;
          return;
        }
        if (r.binary) {
          stats.skippedBinary += 1;
          return;
        }
        stats.filesSearched += 1;
        if (r.matches.length > 0) stats.filesWithMatches += 1;
        for (const m of r.matches) {
          matches.push({ path: realPath, line: m.line, text: m.text, ...(args.contextLines > 0 ? { before: m.before, after: m.after } : {}) });
        }
        if (r.capped) truncated = true;
      };

      const target = await sandbox.resolve(args.path, 'read');
      if (!(await stat(target.path)).isDirectory()) {
        const { handle, resolved, stats: fileStats } = await openForRead(sandbox, args.path);
        try {
          recordFile(fileStats.size > maxFileBytes ? 'large' : await searchInFile(handle, fileOptions()), resolved.path);
        } finally {
          await handle.close();
        }
      } else {
        const root = await resolveWalkRoot(sandbox, args.path);
        const walker = new Walker(root.path, {
          respectGitignore: args.respectGitignore,
          ...(exclude ? { exclude } : {}),
          gitignoreAncestors: root.gitignoreAncestors,
          signal: ctx.signal,
        });
        walk: for await (const batch of walker.batches()) {
          for (const entry of batch) {
            if (entry.type !== 'file') continue;
            if (include && !include(entry.rel, entry.name)) continue;
            // At maxResults the next files are still searched, with room for no match, until one more match is
            // found: truncated then means that more matches exist, not that there might be some.
            if (truncated) break walk;
            // Opened and verified on the descriptor: a file swapped for a link mid-search is skipped.
            if (canOpenWalkedFilesSync) {
              const opened = openWalkedFileSync(sandbox, root.path, entry.abs);
              if (!opened) continue;
              try {
                recordFile(opened.size > maxFileBytes ? 'large' : searchInFd(opened.fd, fileOptions()), entry.abs);
              } finally {
                closeSync(opened.fd);
              }
              // Synchronous reads are fast for small files but hold the event loop: give it back every few
              // milliseconds so cancellation and other requests are seen.
              if (performance.now() - lastYield > YIELD_EVERY_MS) {
                await new Promise((resolve) => setImmediate(resolve));
                ctx.signal.throwIfAborted();
                lastYield = performance.now();
              }
            } else {
              const opened = await openWalkedFile(sandbox, root.path, entry.abs);
              if (!opened) continue;
              try {
                recordFile(opened.stats.size > maxFileBytes ? 'large' : await searchInFile(opened.handle, fileOptions()), entry.abs);
              } finally {
                await opened.handle.close();
              }
            }
          }
          void ctx.progress(stats.filesSearched, undefined, `${stats.filesSearched} files searched`);
        }
      }
      return { structured: { matches, ...stats, truncated }, text: render(matches, stats, truncated, args.maxResults) };
    });
  },
});

function render(
  matches: z.infer<typeof matchSchema>[],
  stats: { filesSearched: number; filesWithMatches: number; skippedBinary: number; skippedLarge: number },
  truncated: boolean,
  maxResults: number,
): string {
  const lines: string[] = [];
  let lastPath = '';
  let lastShownLine = 0;
  for (const m of matches) {
    const start = m.line - (m.before?.length ?? 0);
    if (m.path !== lastPath) {
      if (lastPath) lines.push('');
      lines.push(m.path);
      lastPath = m.path;
    } else if (m.before && start > lastShownLine + 1) {
      lines.push('--'); // as grep: a gap between two groups of context
    }
    lastShownLine = m.line + (m.after?.length ?? 0);
    m.before?.forEach((t, i) => lines.push(`${start + i}-${t}`));
    lines.push(`${m.line}:${m.text}`);
    m.after?.forEach((t, i) => lines.push(`${m.line + 1 + i}-${t}`));
  }
  if (matches.length === 0) lines.push('No matches found');
  const skipped = [stats.skippedBinary ? `${stats.skippedBinary} binary` : '', stats.skippedLarge ? `${stats.skippedLarge} too large` : ''].filter(Boolean).join(', ');
  lines.push('', `[${matches.length} match(es) in ${stats.filesWithMatches} of ${stats.filesSearched} file(s) searched${skipped ? `; skipped ${skipped}` : ''}]`);
  if (truncated) lines.push(`[Stopped at ${maxResults} matches. Narrow the pattern, path or include globs, or pass a larger maxResults.]`);
  return lines.join('\n');
}
