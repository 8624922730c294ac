/**
 * What write_query and execute_script would change, shown to the user before a confirmation (issue 13). The
 * counts come from a dry run on the read-write connection inside the query runner: the statement runs in
 * BEGIN IMMEDIATE ... ROLLBACK (lib/operations.ts dryRunWrite, or execute_script's own dry run), so nothing is
 * kept, and a runner killed mid-way (timeout, cancel) leaves nothing behind either: SQLite's journal discards
 * the uncommitted transaction. The dry run obeys the same guard, timeout and cancellation as the real call,
 * and fails the way the real call would (constraint, syntax), which refuses the call before anyone is asked.
 */
import { ToolError } from '@portico/protocol';
import { MAX_SCRIPT_STATEMENTS, type SqliteDeps } from '../deps.js';
import { checkWriteStatement, GuardError, type StatementInfo } from '../lib/sql-guard.js';
import type { SqlParams } from '../lib/messages.js';
import { paramsCount } from '../lib/binding.js';
import { limitsOf, runRequest } from './shared.js';

/** Statements longer than this are shown cut in a confirmation. */
const MAX_SHOWN_SQL = 400;
/** Per-statement lines in a script's confirmation. */
const MAX_SHOWN_STATEMENTS = 20;

export function shownSql(sql: string, max = MAX_SHOWN_SQL): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}… (${flat.length} characters)` : flat;
}

function rows(n: number): string {
  return `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
}

/** The guard in the main process, with the refusal the runner would give (code `refused`). */
function guarded(sql: string): StatementInfo {
  try {
    return checkWriteStatement(sql, 'write_query');
  } catch (error) {
    if (error instanceof GuardError) throw new ToolError(error.message, { ...(error.hint ? { hint: error.hint } : {}), code: 'refused' });
    throw error;
  }
}

/** DROP TABLE [IF EXISTS] [schema.]name: the table's name, to say how many rows go with it. */
function droppedTable(info: StatementInfo): string | undefined {
  const words = info.tokens.map((t) => t.value);
  if (words[0] !== 'DROP' || words[1] !== 'TABLE') return undefined;
  let i = 2;
  if (words[i] === 'IF' && words[i + 1] === 'EXISTS') i += 2;
  if (words[i + 1] === '.') i += 2;
  return info.tokens[i]?.value;
}

export async function writeQueryPreview(deps: SqliteDeps, sql: string, params: SqlParams, signal: AbortSignal): Promise<string> {
  const info = guarded(sql);
  const head = `Run on ${deps.dbPath}:\n  ${shownSql(sql)}${paramsCount(params) ? `\n  with ${paramsCount(params)} bound value(s)` : ''}`;
  // VACUUM cannot run inside a transaction and pragmas change settings a rollback may not undo: no dry run.
  if (info.keyword === 'VACUUM') return `${head}\nIt rebuilds the whole database file (no rows change; this was not dry-run because VACUUM cannot run in a transaction).`;
  if (info.keyword === 'PRAGMA') return `${head}\nIt changes a database setting (not dry-run: pragmas are not reliably undone by a rollback).`;
  const dry = await runRequest(deps, { op: 'write', sql, params, tool: 'write_query', limits: limitsOf(deps), dryRun: true }, signal, { writes: true });
  const lines = [head, `A dry run just now (rolled back) changed ${rows(dry.changes)}; the real run changes the rows that match when it runs.`];
  const table = droppedTable(info);
  if (table !== undefined) {
    const described = await runRequest(deps, { op: 'describe', table }, signal).catch(() => undefined);
    if (described?.rowCount != null) lines.push(`It drops the table ${described.name}, which holds ${rows(described.rowCount)}.`);
  }
  return lines.join('\n');
}

export async function scriptPreview(deps: SqliteDeps, script: string, signal: AbortSignal): Promise<string> {
  const dry = await runRequest(deps, { op: 'script', sql: script, dryRun: true, limits: { ...limitsOf(deps), maxRows: 1 }, maxStatements: MAX_SCRIPT_STATEMENTS }, signal, { writes: true });
  const lines = [
    `Run ${dry.statements.length} statement(s) in one transaction on ${deps.dbPath}.`,
    `A dry run just now (rolled back) changed ${rows(dry.totalChanges)} in all:`,
    ...dry.statements.slice(0, MAX_SHOWN_STATEMENTS).map((s) => `  ${s.index}. ${shownSql(s.sql, 120)} -> ${rows(s.changes)}`),
  ];
  if (dry.statements.length > MAX_SHOWN_STATEMENTS) lines.push(`  ... and ${dry.statements.length - MAX_SHOWN_STATEMENTS} more statement(s).`);
  return lines.join('\n');
}
