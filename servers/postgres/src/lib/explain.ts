/**
 * Query plans as JSON. A plain EXPLAIN only plans (it runs nothing, so it may explain an INSERT/UPDATE/DELETE);
 * EXPLAIN ANALYZE executes the statement, so it is allowed only for reads, inside the usual read-only
 * transaction that is rolled back.
 */
import type { Database } from './database.js';
import { checkStatement, GuardError, parseSingle } from './guard.js';

export interface ExplainOptions {
  analyze: boolean;
  verbose: boolean;
  buffers: boolean;
  schemas?: readonly string[] | undefined;
  signal?: AbortSignal;
  /** Largest plan (JSON bytes) returned whole; deeper levels are pruned beyond it. */
  maxBytes: number;
}

export interface ExplainResult {
  plan: unknown;
  /** A readable outline: one line per node. */
  outline: string[];
  planningMs: number | null;
  executionMs: number | null;
  pruned: boolean;
}

export async function explainQuery(db: Database, sql: string, options: ExplainOptions): Promise<ExplainResult> {
  const checked = await checkStatement(sql, options.analyze ? 'read' : 'explain', { schemas: options.schemas });
  if (checked.kind !== 'SelectStmt' && !(checked.kind in { InsertStmt: 1, UpdateStmt: 1, DeleteStmt: 1, MergeStmt: 1 })) {
    throw new GuardError(`explain_query takes the statement itself, not ${checked.command}.`, 'forbidden_statement', 'pass the SELECT (or, without analyze, the INSERT/UPDATE/DELETE) without an EXPLAIN prefix.');
  }
  const flags = ['FORMAT JSON'];
  if (options.analyze) flags.push('ANALYZE', `BUFFERS ${options.buffers ? 'ON' : 'OFF'}`);
  if (options.verbose) flags.push('VERBOSE');
  // A newline keeps a trailing line comment in the user's SQL from swallowing anything after it.
  const text = `EXPLAIN (${flags.join(', ')}) ${sql}\n`;
  // The combined text is parsed again: it must still be exactly one EXPLAIN.
  const combined = await parseSingle(text);
  if (!('ExplainStmt' in combined)) throw new GuardError('the statement could not be explained as given.', 'forbidden_statement', 'pass a single statement.');

  const rows = await db.read(async (session) => (await session.query<{ 'QUERY PLAN': unknown }>(text)).rows, { ...(options.signal ? { signal: options.signal } : {}), sql });
  const document = (rows[0]?.['QUERY PLAN'] as Record<string, unknown>[] | undefined)?.[0] ?? {};
  const root = document.Plan as PlanNode | undefined;
  const outline = root ? renderOutline(root) : [];
  let plan: unknown = document;
  let pruned = false;
  for (let depth = 12; depth >= 1 && Buffer.byteLength(JSON.stringify(plan)) > options.maxBytes; depth -= 1) {
    plan = { ...document, Plan: root ? prune(root, depth) : root };
    pruned = true;
  }
  return {
    plan,
    outline: outline.slice(0, 400),
    planningMs: typeof document['Planning Time'] === 'number' ? (document['Planning Time'] as number) : null,
    executionMs: typeof document['Execution Time'] === 'number' ? (document['Execution Time'] as number) : null,
    pruned,
  };
}

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  Schema?: string;
  'Index Name'?: string;
  'Total Cost'?: number;
  'Plan Rows'?: number;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

function renderOutline(root: PlanNode): string[] {
  const lines: string[] = [];
  // Iterative walk, depth-first in plan order; bounded by the plan's size.
  const stack: { node: PlanNode; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    // ModifyTable nodes name their operation (Insert/Update/Delete/Merge) separately; show it as EXPLAIN's text form does.
    const type = node['Node Type'] === 'ModifyTable' && typeof node.Operation === 'string' ? node.Operation : (node['Node Type'] ?? 'Node');
    let line = `${'  '.repeat(depth)}${depth > 0 ? '-> ' : ''}${type}`;
    if (node['Relation Name']) line += ` on ${node.Schema ? `${node.Schema}.` : ''}${node['Relation Name']}`;
    if (node['Index Name']) line += ` using ${node['Index Name']}`;
    line += ` (cost=${node['Total Cost'] ?? '?'} rows=${node['Plan Rows'] ?? '?'})`;
    if (node['Actual Total Time'] !== undefined) line += ` (actual time=${node['Actual Total Time']} ms rows=${node['Actual Rows']} loops=${node['Actual Loops']})`;
    lines.push(line);
    const children = node.Plans ?? [];
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push({ node: children[i]!, depth: depth + 1 });
  }
  return lines;
}

function prune(node: PlanNode, depth: number): PlanNode {
  if (!node.Plans) return node;
  if (depth <= 1) return { ...node, Plans: undefined, 'Pruned Children': node.Plans.length } as PlanNode;
  return { ...node, Plans: node.Plans.map((child) => prune(child, depth - 1)) };
}
