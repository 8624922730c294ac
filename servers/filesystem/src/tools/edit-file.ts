import { lstat } from 'node:fs/promises';
import { defineTool, openForRead, ToolError, writeFileAtomic, z } from '@portico/protocol';
import { isBinary, SNIFF_BYTES } from '../lib/content-type.js';
import { bytesText, symlinkTargetError } from '../lib/preview.js';
import { applyEdits, fenceDiff, unifiedDiff } from '../lib/edit.js';
import { readRange } from '../lib/lines.js';
import { type Ctx, guard, requestSandbox } from './common.js';

/** Files larger than this are not edited in memory; write_file or a smaller file is the answer. */
const MAX_EDIT_BYTES = 16 * 1024 * 1024;

export const editFileTool = defineTool({
  name: 'edit_file',
  title: 'Edit file',
  description:
    'Make text edits to a file and return a unified diff of the change. Each edit replaces oldText with ' +
    'newText; oldText must match exactly once (set replaceAll: true to replace every occurrence). When there ' +
    'is no exact match, a match ignoring indentation and spacing differences is tried, and the new text takes ' +
    'the file\'s indentation. Line endings (LF or CRLF) and a byte order mark are preserved. Edits apply in ' +
    'order; if any edit fails, nothing is written. Use dryRun to preview. Only works within allowed ' +
    'directories that are not read-only.',
  toolset: 'write',
  input: z.object({
    path: z.string().describe('Path of the file to edit: absolute, or relative to the first allowed directory.'),
    edits: z
      .array(
        z.object({
          oldText: z.string().describe('Text to search for - must match exactly (copy it from read_text_file).'),
          newText: z.string().describe('Text to replace with.'),
          replaceAll: z.boolean().optional().describe('Replace every occurrence instead of requiring exactly one match (default false).'),
        }),
      )
      .min(1)
      .max(200)
      .describe('The edits, applied in order; each sees the result of the previous ones.'),
    dryRun: z.boolean().default(false).describe('Preview changes using git-style diff format, without writing.'),
  }),
  output: z.object({
    path: z.string().describe('Real path of the file.'),
    diff: z.string().describe('Unified diff of the change.'),
    dryRun: z.boolean().describe('True when nothing was written.'),
    changed: z.boolean().describe('False when the edits left the file as it was.'),
    edits: z
      .array(z.object({ match: z.enum(['exact', 'whitespace']).describe('How oldText was found.'), replacements: z.number().int().describe('Places changed.') }))
      .describe('Per edit, in order.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  // The old and new texts are file content: the audit log records how many edits there were, not what they say.
  auditOmit: ['edits'],
  // Applies the edits in memory, exactly as the handler will, to say how much changes; a dry run or edits that
  // leave the file as it is change nothing and need no confirmation.
  async preview({ path, edits, dryRun }, ctx: Ctx) {
    if (dryRun) return undefined;
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const { original, realPath } = await readForEdit(sandbox, path);
      const outcome = applyEdits(original, edits);
      if (!outcome.changed) return undefined;
      // writeFileAtomic's checks: a read-only directory or a link at the path would refuse the write.
      const target = await sandbox.resolve(path, 'create', { followFinalSymlink: false });
      if ((await lstat(target.path)).isSymbolicLink()) throw symlinkTargetError(path);
      const { added, removed } = changedLines(unifiedDiff(realPath, original, outcome.content));
      const places = outcome.applied.reduce((sum, a) => sum + a.replacements, 0);
      return (
        `Edit ${realPath} (${bytesText(Buffer.byteLength(original, 'utf8'))}): ${edits.length} edit${edits.length === 1 ? '' : 's'} ` +
        `changing ${places} place${places === 1 ? '' : 's'}, ${removed} line${removed === 1 ? '' : 's'} removed and ${added} added ` +
        `(${bytesText(Buffer.byteLength(outcome.content, 'utf8'))} after the edit).`
      );
    });
  },
  async handler({ path, edits, dryRun }, ctx: Ctx) {
    return guard(path, async () => {
      const sandbox = await requestSandbox(ctx);
      const { original, realPath, version } = await readForEdit(sandbox, path);
      const outcome = applyEdits(original, edits);
      const diff = unifiedDiff(realPath, original, outcome.content);
      if (!dryRun && outcome.changed) {
        // Refuse to overwrite a change made by someone else since we read the file.
        const now = await readVersion(sandbox, path);
        if (now !== version) {
          throw new ToolError(`"${path}" changed while it was being edited; nothing was written.`, { code: 'changed', hint: 'read the file again and redo the edit.' });
        }
        await writeFileAtomic(sandbox, path, outcome.content);
      }
      const edited = outcome.applied.map((a) => ({ match: a.match, replacements: a.replacements }));
      const fuzzy = outcome.applied.filter((a) => a.match === 'whitespace').map((a) => a.index + 1);
      const notes = [
        dryRun ? 'Dry run: nothing was written.' : outcome.changed ? '' : 'The edits left the file unchanged.',
        fuzzy.length ? `Edit(s) ${fuzzy.join(', ')} matched only when ignoring whitespace; check the diff.` : '',
      ].filter(Boolean);
      return {
        structured: { path: realPath, diff, dryRun, changed: outcome.changed, edits: edited },
        text: `${fenceDiff(diff)}${notes.length ? `\n\n${notes.join('\n')}` : ''}`,
      };
    });
  },
});

/** Lines added and removed in a unified diff (counted from the first hunk, so file headers never count). */
function changedLines(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  let inHunks = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('@@')) inHunks = true;
    else if (inHunks && line.startsWith('+')) added += 1;
    else if (inHunks && line.startsWith('-')) removed += 1;
  }
  return { added, removed };
}

/** fatal: throws on bytes that are not UTF-8; ignoreBOM: keeps a BOM in the text, so it is written back. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

async function readForEdit(sandbox: Parameters<typeof openForRead>[0], input: string) {
  const { handle, resolved, stats } = await openForRead(sandbox, input);
  try {
    if (stats.size > MAX_EDIT_BYTES) {
      throw new ToolError(`"${input}" is too large to edit here (${stats.size} bytes; limit ${MAX_EDIT_BYTES}).`, { code: 'too_large', hint: 'edit a smaller file, or rewrite it with write_file.' });
    }
    const bytes = await readRange(handle, 0, stats.size);
    if (isBinary(bytes.subarray(0, SNIFF_BYTES))) {
      throw new ToolError(`"${input}" is a binary file; edit_file only edits text.`, { code: 'binary_file', hint: 'use write_file to replace it entirely, if that is what you want.' });
    }
    let original: string;
    try {
      original = strictUtf8.decode(bytes);
    } catch {
      // Decoding leniently would turn every byte that is not UTF-8 (Latin-1 é, CP1252 quotes) into U+FFFD and
      // write those back, changing the whole file, not just the edit.
      throw new ToolError(`"${input}" is not UTF-8 text (it has bytes of another encoding, e.g. Latin-1); editing it would change every such character.`, {
        code: 'invalid_encoding',
        hint: 'convert the file to UTF-8 first, or ask the user to edit it in an editor that keeps its encoding.',
      });
    }
    return { original, realPath: resolved.path, version: versionOf(stats) };
  } finally {
    await handle.close();
  }
}

async function readVersion(sandbox: Parameters<typeof openForRead>[0], input: string): Promise<string> {
  const { handle, stats } = await openForRead(sandbox, input);
  await handle.close();
  return versionOf(stats);
}

function versionOf(stats: { ino: number; size: number; mtimeMs: number }): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}
