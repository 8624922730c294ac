import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { defineTool, ToolError, z } from '@portico/protocol';
import { EXPORT_LIMITS, type SqliteDeps } from '../deps.js';
import { paramsSchema, runRequest } from './shared.js';

/** A plain file name: no separators, no leading dot, no "..", with the format's extension. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export const exportQuery = defineTool({
  name: 'export_query',
  title: 'Export a query result to a file',
  description:
    'Run a read-only SELECT and write all its rows (not just the first page) to a CSV or JSON file in the export folder the operator allowed (--export-dir). ' +
    'Never overwrites a file; the file appears only once complete.',
  toolset: 'export',
  input: z.object({
    query: z.string().min(1).max(1_000_000).describe('SELECT SQL query whose rows to export (same rules as read_query).'),
    params: paramsSchema,
    filename: z.string().min(1).max(200).describe('File name to create inside the export folder, e.g. "sales-2024.csv"; no folders. Must end in .csv or .json.'),
    format: z.enum(['csv', 'json']).optional().describe('csv or json (default: taken from the file name extension).'),
  }),
  output: z.object({
    path: z.string().describe('Absolute path of the written file.'),
    format: z.enum(['csv', 'json']).describe('Format written.'),
    rows: z.number().int().describe('Rows written.'),
    bytes: z.number().int().describe('Size of the file in bytes.'),
    truncated: z.boolean().describe('True when the export stopped at its ceiling (1,000,000 rows or 200 MB).'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  // Bound values may be personal data: logged by count only.
  auditOmit: ['params'],
  async handler({ query, params, filename, format }, { deps, signal }: { deps: SqliteDeps; signal: AbortSignal }) {
    if (!deps.exportDir) {
      throw new ToolError('exports are disabled on this server.', { hint: 'the operator can enable them by starting the server with --export-dir DIR; meanwhile use read_query with offset to page through rows.', code: 'export_disabled' });
    }
    if (!SAFE_NAME.test(filename) || filename.includes('..')) {
      throw new ToolError(`"${filename}" is not a plain file name.`, { hint: 'use letters, digits, dot, dash and underscore only, no folders, e.g. "report.csv".', code: 'invalid_filename' });
    }
    const ext = filename.toLowerCase().endsWith('.csv') ? 'csv' : filename.toLowerCase().endsWith('.json') ? 'json' : undefined;
    if (!ext) throw new ToolError(`"${filename}" must end in .csv or .json.`, { code: 'invalid_filename' });
    const chosen = format ?? ext;
    if (chosen !== ext) throw new ToolError(`format ${chosen} does not match the file name "${filename}".`, { hint: `name the file *.${chosen}, or omit format.`, code: 'invalid_filename' });
    const finalPath = join(deps.exportDir, filename);
    const tempPath = join(deps.exportDir, `.${filename}.${randomBytes(6).toString('hex')}.partial`);
    const result = await runRequest(
      deps,
      { op: 'export', sql: query, params: params ?? [], format: chosen, tempPath, finalPath, maxRows: EXPORT_LIMITS.maxRows, maxBytes: EXPORT_LIMITS.maxBytes },
      signal,
      {
        // The runner was killed mid-export: its temporary file is ours to remove.
        onStopped: () => {
          try {
            unlinkSync(tempPath);
          } catch {
            // Not created yet.
          }
        },
      },
    );
    const text = `Wrote ${result.rows} row(s), ${result.bytes} bytes, to ${finalPath}.${result.truncated ? ' The export stopped at its ceiling; narrow the query or export in parts (LIMIT/OFFSET).' : ''}`;
    return { structured: { path: finalPath, format: chosen, ...result }, text };
  },
});
