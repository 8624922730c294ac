/**
 * What `execute` would change, shown to the user before a confirmation (issue 13): the statement, and the
 * row count PostgreSQL reports for it from a dry run (BEGIN, run, ROLLBACK) under the same guard, statement
 * timeout, lock timeout and cancellation as the real call. A dry run that fails (constraint, timeout, unknown
 * table) fails the way the real call would, which refuses the call before anyone is asked.
 *
 * Statements that cannot run inside a transaction block (CREATE/DROP INDEX CONCURRENTLY, REINDEX
 * CONCURRENTLY, CLUSTER without a table, DETACH PARTITION CONCURRENTLY) are never dry-run: the statement is
 * described instead. (Every `execute` runs in a transaction, so PostgreSQL will refuse such a statement when
 * it runs; VACUUM is refused earlier, by the guard.)
 */
import type { PostgresDeps } from '../deps.js';
import { checkStatement, checkTargetLookups, type CheckedStatement } from '../lib/guard.js';
import { withDbErrors } from './shared.js';

const MAX_SHOWN_SQL = 400;

function shownSql(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SHOWN_SQL ? `${flat.slice(0, MAX_SHOWN_SQL - 1)}… (${flat.length} characters)` : flat;
}

/** Why this statement cannot run inside a transaction block, or undefined when it can. */
export function outsideTransactionReason(checked: CheckedStatement): string | undefined {
  const node = (checked.tree[checked.kind] ?? {}) as Record<string, unknown>;
  if (checked.kind === 'ClusterStmt' && !node.relation) return 'CLUSTER without a table name';
  const concurrently =
    node.concurrent === true ||
    (Array.isArray(node.params) && node.params.some((p) => (p as { DefElem?: { defname?: string } }).DefElem?.defname === 'concurrently')) ||
    (Array.isArray(node.cmds) && node.cmds.some((c) => ((c as { AlterTableCmd?: { def?: { PartitionCmd?: { concurrent?: boolean } } } }).AlterTableCmd?.def?.PartitionCmd?.concurrent === true)));
  if (!concurrently) return undefined;
  const label: Record<string, string> = { IndexStmt: 'CREATE INDEX', DropStmt: 'DROP ... CONCURRENTLY', ReindexStmt: 'REINDEX', AlterTableStmt: 'DETACH PARTITION' };
  const name = label[checked.kind] ?? checked.command;
  return name.endsWith('CONCURRENTLY') ? name : `${name} CONCURRENTLY`;
}

export async function executePreview(deps: PostgresDeps, sql: string, signal: AbortSignal): Promise<string> {
  const { db, settings } = deps;
  return withDbErrors(
    deps,
    async () => {
      const checked = await checkStatement(sql, 'write', { schemas: settings.schemas });
      const head = `Run on ${db.where}, and commit:\n  ${shownSql(sql)}`;
      const reason = outsideTransactionReason(checked);
      if (reason) {
        return `${head}\nNot dry-run: ${reason} cannot run inside a transaction block, and this server runs every statement in one, so PostgreSQL will most likely refuse it.`;
      }
      // drain: every RETURNING row is read so the count is exact; none is kept for the question.
      const dry = await db.transaction(
        'write',
        async (session) => {
          await checkTargetLookups(session, checked.lookups, settings.schemas);
          return session.cursor(sql, { maxRows: 1, maxBytes: settings.maxBytes, signal, drain: true });
        },
        { signal, sql, commit: false },
      );
      const command = dry.command ?? checked.command;
      if (dry.rowCount === null) {
        return `${head}\nA dry run just now (BEGIN, run, ROLLBACK) succeeded: ${command} (it changes the schema or a setting; PostgreSQL reports no row count for it).`;
      }
      const rows = `${dry.rowCount.toLocaleString('en-US')} row${dry.rowCount === 1 ? '' : 's'}`;
      return `${head}\nA dry run just now (BEGIN, run, ROLLBACK) reported: ${command}, ${rows} affected. The real run affects the rows that match when it runs.`;
    },
    sql,
  );
}
