/**
 * What the database contains, from the system catalogs: schemas, tables with row estimates, and the full
 * description of one table (columns, keys, indexes). Every query here is this server's own text with
 * parameters, run in the same read-only transaction as everything else, and filtered by the schema allow-list.
 */
import type { Session } from './database.js';
import { DbError } from './errors.js';

/** Schemas that belong to PostgreSQL itself. */
export const SYSTEM_SCHEMA_FILTER = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'`;

/** `$n` is the allow-list parameter (text[] or NULL for "all non-system schemas"). */
function schemaFilter(param: string): string {
  return `(${SYSTEM_SCHEMA_FILTER}) AND (${param}::text[] IS NULL OR n.nspname = ANY(${param}::text[]))`;
}

export interface SchemaInfo {
  name: string;
  owner: string;
  tables: number;
  views: number;
  comment: string | null;
}

export async function listSchemas(session: Session, allowList: readonly string[] | undefined): Promise<SchemaInfo[]> {
  const { rows } = await session.query<SchemaInfo>(
    `SELECT n.nspname AS name, pg_get_userbyid(n.nspowner) AS owner,
            count(c.oid) FILTER (WHERE c.relkind IN ('r', 'p', 'f'))::int AS tables,
            count(c.oid) FILTER (WHERE c.relkind IN ('v', 'm'))::int AS views,
            obj_description(n.oid, 'pg_namespace') AS comment
       FROM pg_namespace n
       LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
      WHERE ${schemaFilter('$1')}
      GROUP BY n.oid, n.nspname, n.nspowner
      ORDER BY n.nspname`,
    [allowList ?? null],
  );
  return rows;
}

export type RelationKind = 'table' | 'partitioned table' | 'view' | 'materialized view' | 'foreign table';

export interface TableInfo {
  schema: string;
  name: string;
  kind: RelationKind;
  /** From pg_class.reltuples (planner statistics); null when the table was never analyzed. */
  rowEstimate: number | null;
  sizeBytes: number | null;
  comment: string | null;
}

const KIND_SQL = `CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END`;

export async function listTables(
  session: Session,
  allowList: readonly string[] | undefined,
  options: { schema?: string | undefined; limit: number; offset: number },
): Promise<{ tables: TableInfo[]; total: number }> {
  const { rows } = await session.query<TableInfo & { total: number }>(
    `SELECT n.nspname AS schema, c.relname AS name, ${KIND_SQL} AS kind,
            CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS "rowEstimate",
            CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_total_relation_size(c.oid)::float8 END AS "sizeBytes",
            obj_description(c.oid, 'pg_class') AS comment,
            count(*) OVER ()::int AS total
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND NOT c.relispartition
        AND ${schemaFilter('$1')}
        AND ($2::text IS NULL OR n.nspname = $2)
      ORDER BY n.nspname, c.relname
      LIMIT $3 OFFSET $4`,
    [allowList ?? null, options.schema ?? null, options.limit, options.offset],
  );
  const total = rows[0]?.total ?? 0;
  return { tables: rows.map(({ total: _total, ...table }) => table), total };
}

export interface ColumnDescription {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  /** GENERATED ... AS IDENTITY / STORED, when applicable. */
  generated: string | null;
  comment: string | null;
}

export interface ForeignKey {
  name: string;
  columns: string[];
  referencesSchema: string;
  referencesTable: string;
  referencesColumns: string[];
  onUpdate: string;
  onDelete: string;
}

export interface IndexDescription {
  name: string;
  definition: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  sizeBytes: number;
}

export interface TableDescription {
  schema: string;
  name: string;
  kind: RelationKind;
  rowEstimate: number | null;
  comment: string | null;
  columns: ColumnDescription[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
  /** Foreign keys in other tables that point at this one. */
  referencedBy: { name: string; schema: string; table: string; columns: string[] }[];
  indexes: IndexDescription[];
  checks: { name: string; definition: string }[];
  uniqueConstraints: { name: string; columns: string[] }[];
}

/** Resolves schema and table the way a user means them: exact name first, then case-insensitively. */
export async function resolveTable(
  session: Session,
  allowList: readonly string[] | undefined,
  table: string,
  schema: string | undefined,
): Promise<{ oid: number; schema: string; name: string }> {
  const { rows } = await session.query<{ oid: number; schema: string; name: string; exact: boolean }>(
    `SELECT c.oid::int8::float8 AS oid, n.nspname AS schema, c.relname AS name,
            (c.relname = $2 AND ($3::text IS NULL OR n.nspname = $3)) AS exact
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND ${schemaFilter('$1')}
        AND lower(c.relname) = lower($2)
        AND ($3::text IS NULL OR lower(n.nspname) = lower($3))
      ORDER BY exact DESC, (n.nspname = ANY(current_schemas(false))) DESC, n.nspname
      LIMIT 5`,
    [allowList ?? null, table, schema ?? null],
  );
  const exact = rows.filter((r) => r.exact);
  const candidates = exact.length ? exact : rows;
  if (candidates.length === 0) {
    throw new DbError(
      `no table or view named ${schema ? `${schema}.` : ''}${table}${allowList ? ` in the allowed schemas (${allowList.join(', ')})` : ''}.`,
      'undefined_object',
      'list_tables shows the tables you can describe.',
    );
  }
  const schemas = new Set(candidates.map((c) => c.schema));
  if (!schema && schemas.size > 1) {
    throw new DbError(
      `${table} exists in several schemas (${[...schemas].join(', ')}).`,
      'undefined_object',
      `pass schema, e.g. schema="${candidates[0]!.schema}".`,
    );
  }
  const chosen = candidates[0]!;
  return { oid: chosen.oid, schema: chosen.schema, name: chosen.name };
}

export async function describeTable(session: Session, oid: number): Promise<TableDescription> {
  const head = await session.query<{ schema: string; name: string; kind: RelationKind; rowEstimate: number | null; comment: string | null }>(
    `SELECT n.nspname AS schema, c.relname AS name, ${KIND_SQL} AS kind,
            CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS "rowEstimate",
            obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid`,
    [oid],
  );
  const columns = await session.query<ColumnDescription>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
            CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default,
            CASE WHEN a.attidentity = 'a' THEN 'identity always' WHEN a.attidentity = 'd' THEN 'identity by default'
                 WHEN a.attgenerated = 's' THEN 'stored: ' || pg_get_expr(d.adbin, d.adrelid)
                 WHEN a.attgenerated = 'v' THEN 'virtual: ' || pg_get_expr(d.adbin, d.adrelid) END AS generated,
            col_description(a.attrelid, a.attnum) AS comment
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [oid],
  );
  const constraints = await session.query<{ name: string; type: string; columns: string[]; refSchema: string | null; refTable: string | null; refColumns: string[] | null; onUpdate: string; onDelete: string; definition: string }>(
    `SELECT con.conname AS name, con.contype::text AS type,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
            rn.nspname AS "refSchema", rc.relname AS "refTable",
            CASE WHEN con.contype = 'f' THEN ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) END AS "refColumns",
            CASE con.confupdtype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE '' END AS "onUpdate",
            CASE con.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE '' END AS "onDelete",
            pg_get_constraintdef(con.oid) AS definition
       FROM pg_constraint con
       LEFT JOIN pg_class rc ON rc.oid = con.confrelid
       LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.conrelid = $1::oid
      ORDER BY con.conname`,
    [oid],
  );
  const referencedBy = await session.query<{ name: string; schema: string; table: string; columns: string[] }>(
    `SELECT con.conname AS name, n.nspname AS schema, c.relname AS table,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND con.confrelid = $1::oid
      ORDER BY n.nspname, c.relname, con.conname
      LIMIT 200`,
    [oid],
  );
  const indexes = await session.query<IndexDescription>(
    `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS unique,
            i.indisprimary AS primary, i.indisvalid AS valid, pg_relation_size(i.indexrelid)::float8 AS "sizeBytes"
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = $1::oid
      ORDER BY i.indisprimary DESC, ic.relname`,
    [oid],
  );
  const info = head.rows[0];
  if (!info) throw new DbError('the table disappeared while it was being described.', 'undefined_object', 'call list_tables again.');
  const cons = constraints.rows;
  return {
    ...info,
    columns: columns.rows,
    primaryKey: cons.find((c) => c.type === 'p')?.columns ?? [],
    foreignKeys: cons
      .filter((c) => c.type === 'f')
      .map((c) => ({
        name: c.name,
        columns: c.columns,
        referencesSchema: c.refSchema ?? '',
        referencesTable: c.refTable ?? '',
        referencesColumns: c.refColumns ?? [],
        onUpdate: c.onUpdate,
        onDelete: c.onDelete,
      })),
    referencedBy: referencedBy.rows,
    indexes: indexes.rows,
    checks: cons.filter((c) => c.type === 'c').map((c) => ({ name: c.name, definition: c.definition })),
    uniqueConstraints: cons.filter((c) => c.type === 'u').map((c) => ({ name: c.name, columns: c.columns })),
  };
}

/** The tables behind resources: every table/view in the visible schemas, capped. */
export async function listResourceTables(session: Session, allowList: readonly string[] | undefined, limit: number): Promise<{ schema: string; name: string; kind: RelationKind }[]> {
  const { tables } = await listTables(session, allowList, { limit, offset: 0 });
  return tables.map(({ schema, name, kind }) => ({ schema, name, kind }));
}
