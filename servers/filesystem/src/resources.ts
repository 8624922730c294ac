/**
 * MCP resources: each allowed directory is listed as a resource, and `file://{+path}` reads any file or
 * directory inside them (text for text files, base64 blobs for binary ones within the media cap, a listing
 * for directories). Same sandbox, narrowed by the client's roots, as the tools.
 */
import { watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openForRead, type ResourceContext, type ResourceTemplateDefinition, ToolError } from '@portico/protocol';
import type { FilesystemDeps } from './deps.js';
import { detectMediaType, isBinary, SNIFF_BYTES } from './lib/content-type.js';
import { readRange } from './lib/lines.js';
import { requestSandbox } from './tools/common.js';
import { entryLabel, linkSuffix, listEntries } from './tools/listing.js';
import { readTextFile } from './tools/read-text.js';

/** Editors and atomic writes produce bursts of events; one notification per burst is enough. */
const CHANGE_SETTLE_MS = 50;

function sandboxOf(ctx: ResourceContext<FilesystemDeps>) {
  return requestSandbox({ deps: ctx.deps, clientRoots: ctx.clientRoots });
}

function pathOf(uri: URL): string {
  try {
    return fileURLToPath(uri);
  } catch {
    throw new ToolError(`"${uri.href}" is not a local file URI.`, { code: 'invalid_path', hint: 'use file:///absolute/path inside an allowed directory.' });
  }
}

export const fileResources: ResourceTemplateDefinition<FilesystemDeps>[] = [
  {
    name: 'file',
    uriTemplate: 'file://{+path}',
    title: 'Files in the allowed directories',
    description: 'A file (its text, or a base64 blob for binary content) or a directory (a listing) inside the allowed directories.',
    async list(ctx) {
      const sandbox = await sandboxOf(ctx);
      return sandbox.roots.map((root) => ({
        uri: pathToFileURL(root.path).href,
        name: root.path,
        title: `Allowed directory ${root.path}${root.readOnly ? ' (read-only)' : ''}`,
        mimeType: 'inode/directory',
      }));
    },
    /**
     * Watches the file's directory rather than the file: writes here (and most editors) replace a file by
     * rename, which a watch on the old inode would miss. Only events for this file's name count.
     */
    async subscribe(uri, changed, ctx) {
      const sandbox = await sandboxOf(ctx);
      const resolved = await sandbox.resolve(pathOf(uri), 'read');
      const name = basename(resolved.path);
      const info = await stat(resolved.path).catch(() => undefined);
      const watched = info?.isDirectory() ? resolved.path : dirname(resolved.path);
      let timer: NodeJS.Timeout | undefined;
      const watcher = watch(watched, { persistent: false }, (_event, filename) => {
        if (watched !== resolved.path && filename !== null && filename.toString() !== name) return;
        clearTimeout(timer);
        timer = setTimeout(changed, CHANGE_SETTLE_MS);
      });
      watcher.on('error', (error) => ctx.log.debug(`watch on ${watched} ended: ${error.message}`));
      return () => {
        clearTimeout(timer);
        watcher.close();
      };
    },
    async read(uri, _variables, ctx) {
      const sandbox = await sandboxOf(ctx);
      const input = pathOf(uri);
      const resolved = await sandbox.resolve(input, 'read');
      const info = await stat(resolved.path);
      if (info.isDirectory()) {
        const { entries, truncated } = await listEntries(sandbox, resolved.path, { maxEntries: 5000, withSizes: false, signal: ctx.signal });
        const text = entries.map((e) => `${entryLabel(e)} ${e.name}${linkSuffix(e)}`).join('\n') + (truncated ? '\n[cut at 5000 entries]' : '');
        return { contents: [{ uri: uri.href, mimeType: 'text/plain', text }] };
      }
      const { handle, stats } = await openForRead(sandbox, input);
      let head: Buffer;
      try {
        head = await readRange(handle, 0, Math.min(SNIFF_BYTES, stats.size));
      } finally {
        await handle.close();
      }
      if (!isBinary(head)) {
        const r = await readTextFile(sandbox, input, { maxBytes: ctx.deps.maxReadBytes, signal: ctx.signal });
        const mimeType = detectMediaType(head, resolved.path);
        // A cut resource says so and where the rest is, like every cut tool result (the contract's budget rule).
        const cut = r.truncated
          ? `${r.content.endsWith('\n') || r.content === '' ? '' : '\n'}[Cut to the byte budget: ${r.lineCount} line(s) of a ${r.fileBytes}-byte file shown.${r.partialLine ? ' The last line is longer than the budget; only its start is shown.' : ''}${r.nextOffset !== null ? ` Read the rest with the read_text_file tool, path "${resolved.path}" and offset=${r.nextOffset}.` : ''}]`
          : '';
        return { contents: [{ uri: uri.href, mimeType: mimeType.startsWith('text/') || mimeType === 'application/json' ? mimeType : 'text/plain', text: r.content + cut }] };
      }
      if (stats.size > ctx.deps.maxMediaBytes) {
        throw new ToolError(`"${input}" is larger than the media limit (${ctx.deps.maxMediaBytes} bytes).`, { code: 'too_large', hint: 'use get_file_info instead.' });
      }
      const opened = await openForRead(sandbox, input);
      try {
        const data = await readRange(opened.handle, 0, opened.stats.size);
        return { contents: [{ uri: uri.href, mimeType: detectMediaType(data.subarray(0, SNIFF_BYTES), resolved.path), blob: data.toString('base64') }] };
      } finally {
        await opened.handle.close();
      }
    },
  },
];
