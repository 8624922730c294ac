/**
 * The schema allow-list (--schema) for statements that change things (the execute tool): which objects a
 * statement acts on, and whether each is inside the allowed schemas.
 *
 * Default deny: only the statement kinds listed in checkScopedStatement are accepted with --schema; for each
 * one it is known where the parse tree names the objects the statement creates, changes, drops, comments on or
 * grants on (RangeVars, name lists, ObjectWithArgs, type names, schema names). Everything else (casts,
 * publications, foreign tables, operator classes, DROP OWNED, ...) acts outside any one schema or names objects
 * in ways not checked here, and is refused.
 *
 * A qualified target must be in the allow-list itself: pg_catalog and information_schema are readable, never
 * changeable. An unqualified target of an existing object resolves through the search_path, which is the
 * allow-list, but PostgreSQL searches pg_catalog (and pg_temp) before it: `COMMENT ON TABLE pg_class` or
 * `UPDATE pg_class` would reach the system catalog. Those names are collected as lookups and checked in the
 * database (checkTargetLookups) before the statement runs. Unqualified names of new objects go to the first
 * schema of the search_path, an allowed one.
 *
 * CASCADE is refused: it drops or changes dependent objects wherever they are. Functions must be LANGUAGE sql,
 * whose body is parsed and checked like a statement; a plpgsql (or other) body can run SQL built at run time.
 */
import { atLocation, GuardError } from './guard-error.js';

type Node = Record<string, unknown>;

/** Schemas every statement may read from (never change): the catalogs describe the database. */
export const ALWAYS_ALLOWED_SCHEMAS = new Set(['pg_catalog', 'information_schema']);

/** Where an unqualified name of an existing object is looked up (the catalog of that kind of object). */
export type TargetCatalog =
  | 'relation' | 'function' | 'operator' | 'type' | 'collation' | 'conversion' | 'statistics'
  | 'ts_config' | 'ts_dict' | 'ts_parser' | 'ts_template' | 'opclass' | 'opfamily';

/** An unqualified name of an existing object the statement changes; see checkTargetLookups. */
export interface TargetLookup {
  catalog: TargetCatalog;
  name: string;
}

/** A RangeVar the statement changes (an existing relation) or creates. */
export type TargetRole = 'change' | 'create';

export interface ScopeContext {
  schemas: readonly string[];
  sql: string;
  /** RangeVar nodes (by identity) that are targets; the tree walk checks them strictly. */
  targets: Map<object, TargetRole>;
  lookups: TargetLookup[];
  /** Checks SQL text PostgreSQL will run later (a LANGUAGE sql function body) with the same rules. */
  checkBody(body: string, what: string): Promise<void>;
}

/** How each object type names its object in DROP / COMMENT / ALTER ... RENAME|OWNER|SET SCHEMA / GRANT. */
type Shape = 'names' | 'member' | 'withArgs' | 'typeName' | 'domConstraint' | 'opclass' | 'schema';
const OBJECT_TYPES: Record<string, { shape: Shape; catalog: TargetCatalog; word: string }> = {
  OBJECT_TABLE: { shape: 'names', catalog: 'relation', word: 'table' },
  OBJECT_VIEW: { shape: 'names', catalog: 'relation', word: 'view' },
  OBJECT_MATVIEW: { shape: 'names', catalog: 'relation', word: 'materialized view' },
  OBJECT_SEQUENCE: { shape: 'names', catalog: 'relation', word: 'sequence' },
  OBJECT_INDEX: { shape: 'names', catalog: 'relation', word: 'index' },
  OBJECT_FOREIGN_TABLE: { shape: 'names', catalog: 'relation', word: 'foreign table' },
  OBJECT_COLUMN: { shape: 'member', catalog: 'relation', word: 'column' },
  OBJECT_TABCONSTRAINT: { shape: 'member', catalog: 'relation', word: 'constraint' },
  OBJECT_TRIGGER: { shape: 'member', catalog: 'relation', word: 'trigger' },
  OBJECT_POLICY: { shape: 'member', catalog: 'relation', word: 'policy' },
  OBJECT_RULE: { shape: 'member', catalog: 'relation', word: 'rule' },
  OBJECT_FUNCTION: { shape: 'withArgs', catalog: 'function', word: 'function' },
  OBJECT_PROCEDURE: { shape: 'withArgs', catalog: 'function', word: 'procedure' },
  OBJECT_ROUTINE: { shape: 'withArgs', catalog: 'function', word: 'routine' },
  OBJECT_AGGREGATE: { shape: 'withArgs', catalog: 'function', word: 'aggregate' },
  OBJECT_OPERATOR: { shape: 'withArgs', catalog: 'operator', word: 'operator' },
  OBJECT_TYPE: { shape: 'typeName', catalog: 'type', word: 'type' },
  OBJECT_DOMAIN: { shape: 'typeName', catalog: 'type', word: 'domain' },
  OBJECT_DOMCONSTRAINT: { shape: 'domConstraint', catalog: 'type', word: 'domain constraint' },
  OBJECT_COLLATION: { shape: 'names', catalog: 'collation', word: 'collation' },
  OBJECT_CONVERSION: { shape: 'names', catalog: 'conversion', word: 'conversion' },
  OBJECT_STATISTIC_EXT: { shape: 'names', catalog: 'statistics', word: 'statistics object' },
  OBJECT_TSCONFIGURATION: { shape: 'names', catalog: 'ts_config', word: 'text search configuration' },
  OBJECT_TSDICTIONARY: { shape: 'names', catalog: 'ts_dict', word: 'text search dictionary' },
  OBJECT_TSPARSER: { shape: 'names', catalog: 'ts_parser', word: 'text search parser' },
  OBJECT_TSTEMPLATE: { shape: 'names', catalog: 'ts_template', word: 'text search template' },
  OBJECT_OPCLASS: { shape: 'opclass', catalog: 'opclass', word: 'operator class' },
  OBJECT_OPFAMILY: { shape: 'opclass', catalog: 'opfamily', word: 'operator family' },
  OBJECT_SCHEMA: { shape: 'schema', catalog: 'relation', word: 'schema' },
};

/** Catalog, name column and namespace column of each lookup kind (this server's constant text, never user input). */
const LOOKUP_CATALOGS: Record<TargetCatalog, [string, string, string]> = {
  relation: ['pg_class', 'relname', 'relnamespace'],
  function: ['pg_proc', 'proname', 'pronamespace'],
  operator: ['pg_operator', 'oprname', 'oprnamespace'],
  type: ['pg_type', 'typname', 'typnamespace'],
  collation: ['pg_collation', 'collname', 'collnamespace'],
  conversion: ['pg_conversion', 'conname', 'connamespace'],
  statistics: ['pg_statistic_ext', 'stxname', 'stxnamespace'],
  ts_config: ['pg_ts_config', 'cfgname', 'cfgnamespace'],
  ts_dict: ['pg_ts_dict', 'dictname', 'dictnamespace'],
  ts_parser: ['pg_ts_parser', 'prsname', 'prsnamespace'],
  ts_template: ['pg_ts_template', 'tmplname', 'tmplnamespace'],
  opclass: ['pg_opclass', 'opcname', 'opcnamespace'],
  opfamily: ['pg_opfamily', 'opfname', 'opfnamespace'],
};

const LOOKUP_SQL = `SELECT t.catalog, t.name FROM unnest($1::text[], $2::text[]) AS t(catalog, name) WHERE CASE t.catalog ${Object.entries(LOOKUP_CATALOGS)
  .map(([catalog, [table, name, namespace]]) => `WHEN '${catalog}' THEN EXISTS (SELECT 1 FROM pg_catalog.${table} x WHERE x.${name} = t.name AND x.${namespace} IN ('pg_catalog'::regnamespace, pg_catalog.pg_my_temp_schema()))`)
  .join(' ')} ELSE true END`;

/** What checkTargetLookups needs from a session: one parameterised query. */
export interface LookupSession {
  query(sql: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * Checks, in the transaction the statement will run in, that no unqualified target name would be found in
 * pg_catalog (or pg_temp) before the allowed schemas. Conservative: a name is refused when an object of that
 * kind and name exists there, whatever its arguments.
 */
export async function checkTargetLookups(session: LookupSession, lookups: readonly TargetLookup[], schemas: readonly string[] | undefined): Promise<void> {
  if (!schemas?.length || lookups.length === 0) return;
  const { rows } = await session.query(LOOKUP_SQL, [lookups.map((l) => l.catalog), lookups.map((l) => l.name)]);
  const hit = rows[0];
  if (!hit) return;
  const name = String(hit.name);
  const list = schemas.join(', ');
  throw new GuardError(
    `refused: the unqualified name ${name} (${String(hit.catalog).replace('_', ' ')}) is found in pg_catalog, PostgreSQL's own catalog, which is searched before ${list}; the statement would change PostgreSQL itself, outside the schemas this server may use (${list}).`,
    'schema_not_allowed',
    `qualify the name with its schema (e.g. ${schemas[0]}.${name}) if you meant an object of your own.`,
  );
}

/** Checks a statement about to be run by execute with a schema allow-list; throws GuardError when it reaches outside. */
export async function checkScopedStatement(kind: string, node: Node, ctx: ScopeContext): Promise<void> {
  switch (kind) {
    // Every name in these is a RangeVar, a function call or a type name that the tree walk checks; the walk
    // also registers the targets of INSERT/UPDATE/DELETE/MERGE wherever they appear.
    case 'SelectStmt':
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
    case 'VariableShowStmt':
    case 'CallStmt':
    case 'ConstraintsSetStmt':
      return;
    case 'ExplainStmt': {
      const [innerKind, inner] = entry(node.query);
      if (innerKind) await checkScopedStatement(innerKind, inner, ctx);
      return;
    }
    // Creations: the new relation's own name. LIKE, INHERITS, PARTITION OF, REFERENCES, OF type are RangeVars and
    // type names the walk checks.
    case 'CreateStmt':
      return target(ctx, node.relation, 'create');
    case 'CreateTableAsStmt':
      return target(ctx, (node.into as Node | undefined)?.rel, 'create');
    case 'ViewStmt':
      return target(ctx, node.view, 'create');
    case 'CreateSeqStmt':
      return target(ctx, node.sequence, 'create');
    case 'CompositeTypeStmt':
      return target(ctx, node.typevar, 'create');
    case 'CreateDomainStmt':
      return createName(ctx, strings(node.domainname), 'domain');
    case 'CreateEnumStmt':
    case 'CreateRangeStmt':
      return createName(ctx, strings(node.typeName), 'type');
    case 'DefineStmt':
      createName(ctx, strings(node.defnames), wordOf(String(node.kind)));
      // Other objects a definition names as a list (FROM other.collation, COMMUTATOR = OPERATOR(other.=));
      // functions and types given as plain names are type names the walk checks.
      for (const item of asArray(node.definition)) {
        const arg = (item as { DefElem?: { arg?: unknown } }).DefElem?.arg;
        const names = (arg as { List?: unknown } | undefined)?.List ? strings(arg) : [];
        if (names.length > 1) useName(ctx, names, 'object');
      }
      return;
    case 'CreateStatsStmt':
      createName(ctx, strings(node.defnames), 'statistics object');
      for (const relation of asArray(node.relations)) target(ctx, unwrapRangeVar(relation), 'change');
      return;
    case 'CreateFunctionStmt':
      return checkCreateFunction(ctx, node);
    case 'CreateSchemaStmt': {
      const name = typeof node.schemaname === 'string' ? node.schemaname : (node.authrole as { rolename?: string } | undefined)?.rolename;
      if (!name) refuse(ctx, 'CREATE SCHEMA AUTHORIZATION CURRENT_USER names the schema after a role', 'name the schema: CREATE SCHEMA <one of the allowed schemas>.');
      schemaTarget(ctx, name!, 'schema');
      for (const element of asArray(node.schemaElts)) {
        const [elementKind, elementNode] = entry(element);
        if (elementKind) await checkScopedStatement(elementKind, elementNode, ctx);
      }
      return;
    }
    // Changes to existing relations.
    case 'AlterSeqStmt':
      return target(ctx, node.sequence, 'change');
    case 'IndexStmt':
    case 'RefreshMatViewStmt':
    case 'RuleStmt':
      return target(ctx, node.relation, 'change');
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return target(ctx, node.table, 'change');
    case 'CreateTrigStmt':
      target(ctx, node.relation, 'change');
      useName(ctx, strings(node.funcname), 'trigger function');
      return;
    case 'AlterTableStmt':
      target(ctx, node.relation, 'change');
      for (const cmd of asArray(node.cmds)) {
        const subtype = (cmd as { AlterTableCmd?: { subtype?: string } }).AlterTableCmd?.subtype;
        if (subtype === 'AT_GenericOptions' || subtype === 'AT_AlterColumnGenericOptions') {
          refuse(ctx, 'changing the OPTIONS of a foreign table could point it at a table in another schema or database', 'ask a database administrator to change foreign table options.');
        }
      }
      return;
    case 'TruncateStmt':
      for (const relation of asArray(node.relations)) target(ctx, unwrapRangeVar(relation), 'change');
      return;
    case 'ClusterStmt':
      if (!node.relation) refuseWholeDatabase(ctx, 'CLUSTER without a table name');
      return target(ctx, node.relation, 'change');
    case 'ReindexStmt':
      if (node.kind === 'REINDEX_OBJECT_INDEX' || node.kind === 'REINDEX_OBJECT_TABLE') return target(ctx, node.relation, 'change');
      if (node.kind === 'REINDEX_OBJECT_SCHEMA') return schemaTarget(ctx, String(node.name), 'schema');
      return refuseWholeDatabase(ctx, `REINDEX ${String(node.kind).replace('REINDEX_OBJECT_', '')}`);
    // Statements that name an object by type and name.
    case 'DropStmt':
      for (const object of asArray(node.objects)) objectTarget(ctx, String(node.removeType), object, 'DROP');
      return;
    case 'CommentStmt':
      return objectTarget(ctx, String(node.objtype), node.object, 'COMMENT');
    case 'SecLabelStmt':
      return objectTarget(ctx, String(node.objtype), node.object, 'SECURITY LABEL');
    case 'AlterFunctionStmt':
      return objectTarget(ctx, String(node.objtype), node.func, 'ALTER');
    case 'AlterEnumStmt':
    case 'AlterTypeStmt':
    case 'AlterDomainStmt':
      return targetName(ctx, strings(node.typeName), 'type', 'type');
    case 'AlterStatsStmt':
      return targetName(ctx, strings(node.defnames), 'statistics', 'statistics object');
    case 'AlterCollationStmt':
      return targetName(ctx, strings(node.collname), 'collation', 'collation');
    case 'RenameStmt':
      if (node.renameType === 'OBJECT_SCHEMA') {
        schemaTarget(ctx, String(node.subname), 'schema');
        return schemaTarget(ctx, String(node.newname), 'new schema name');
      }
      if (node.relation) return target(ctx, node.relation, 'change');
      return objectTarget(ctx, String(node.renameType), node.object, 'RENAME');
    case 'AlterObjectSchemaStmt':
      if (node.relation) target(ctx, node.relation, 'change');
      else objectTarget(ctx, String(node.objectType), node.object, 'SET SCHEMA');
      return schemaTarget(ctx, String(node.newschema), 'target schema of SET SCHEMA');
    case 'AlterOwnerStmt':
      if (node.relation) return target(ctx, node.relation, 'change');
      return objectTarget(ctx, String(node.objectType), node.object, 'OWNER TO');
    case 'GrantStmt':
      return checkGrant(ctx, node);
    case 'AlterDefaultPrivilegesStmt': {
      const option = asArray(node.options).find((o) => (o as { DefElem?: { defname?: string } }).DefElem?.defname === 'schemas') as { DefElem: { arg?: unknown } } | undefined;
      if (!option) {
        refuse(
          ctx,
          'ALTER DEFAULT PRIVILEGES without IN SCHEMA changes the privileges of objects created later in every schema',
          `add IN SCHEMA ${ctx.schemas.join(', ')}.`,
        );
      }
      for (const schema of strings(option!.DefElem.arg)) schemaTarget(ctx, schema, 'schema');
      return;
    }
    default:
      throw new GuardError(
        `refused: ${commandWord(kind)} is not accepted with --schema: it acts outside any one schema (on the whole database, roles, publications, casts, extensions, foreign tables...) or names objects the server does not check, so it could reach schemas other than ${ctx.schemas.join(', ')}.`,
        'schema_not_allowed',
        'ask a database administrator to run it, or use a server started without --schema.',
      );
  }
}

async function checkCreateFunction(ctx: ScopeContext, node: Node): Promise<void> {
  const names = strings(node.funcname);
  createName(ctx, names, node.is_procedure ? 'procedure' : 'function');
  const options = asArray(node.options).map((o) => (o as { DefElem?: { defname?: string; arg?: unknown } }).DefElem ?? {});
  const language = (options.find((o) => o.defname === 'language')?.arg as { String?: { sval?: string } } | undefined)?.String?.sval ?? 'sql';
  const shown = names.join('.');
  if (language.toLowerCase() !== 'sql') {
    throw new GuardError(
      `refused: with --schema, functions and procedures are accepted only in LANGUAGE sql; the body of ${shown} is in ${language}, which can run SQL built at run time (EXECUTE) that the server cannot check, so it could reach schemas other than ${ctx.schemas.join(', ')}.`,
      'schema_not_allowed',
      'write it in LANGUAGE sql (its body is checked like any statement), or ask a database administrator to create it.',
    );
  }
  // AS '...' (a body PostgreSQL parses when the function runs); BEGIN ATOMIC / RETURN bodies are in the tree.
  const body = options.find((o) => o.defname === 'as')?.arg;
  for (const text of strings(body)) await ctx.checkBody(text, `the body of ${shown}`);
}

function checkGrant(ctx: ScopeContext, node: Node): void {
  const objects = asArray(node.objects);
  if (node.targtype === 'ACL_TARGET_ALL_IN_SCHEMA') {
    for (const schema of objects.flatMap((o) => strings(o))) schemaTarget(ctx, schema, 'schema');
    return;
  }
  const objtype = String(node.objtype);
  for (const object of objects) {
    if (objtype === 'OBJECT_TABLE' || objtype === 'OBJECT_SEQUENCE' || objtype === 'OBJECT_FOREIGN_TABLE') target(ctx, unwrapRangeVar(object), 'change');
    else if (objtype === 'OBJECT_SCHEMA') schemaTarget(ctx, strings(object)[0] ?? '', 'schema');
    else objectTarget(ctx, objtype, object, node.is_grant ? 'GRANT' : 'REVOKE');
  }
}

/** Checks the object a DROP / COMMENT / RENAME / OWNER TO / SET SCHEMA / GRANT names, by its object type. */
function objectTarget(ctx: ScopeContext, objtype: string, object: unknown, verb: string): void {
  const type = OBJECT_TYPES[objtype];
  if (!type) {
    throw new GuardError(
      `refused: ${verb} on ${withArticle(wordOf(objtype))} is not accepted with --schema: it is not an object of one schema (databases, roles, extensions, languages, casts, publications, parameters, ... belong to the whole database or cluster).`,
      'schema_not_allowed',
      'ask a database administrator to run it, or use a server started without --schema.',
    );
  }
  switch (type.shape) {
    case 'names':
      return targetName(ctx, strings(object), type.catalog, type.word);
    case 'member': {
      // [schema.]table.member: the member belongs to the table.
      const names = strings(object);
      return targetName(ctx, names.slice(0, -1), 'relation', type.word, names.join('.'));
    }
    case 'withArgs': {
      // {ObjectWithArgs: {...}} in DROP/COMMENT/GRANT, bare in ALTER FUNCTION.
      const withArgs = ((object as { ObjectWithArgs?: unknown } | undefined)?.ObjectWithArgs ?? object) as { objname?: unknown } | undefined;
      return targetName(ctx, strings(withArgs?.objname), type.catalog, type.word);
    }
    case 'typeName':
      return targetName(ctx, typeNameParts(object), type.catalog, type.word);
    case 'domConstraint': {
      // [TypeName, constraint] in COMMENT ON CONSTRAINT ... ON DOMAIN; the domain's name list in RENAME CONSTRAINT.
      const first = asArray((object as { List?: { items?: unknown } } | undefined)?.List?.items)[0] as { TypeName?: unknown } | undefined;
      return targetName(ctx, first?.TypeName ? typeNameParts(first) : strings(object), 'type', 'domain');
    }
    case 'opclass':
      // [access method, [schema.]name]
      return targetName(ctx, strings(object).slice(1), type.catalog, type.word);
    case 'schema':
      return schemaTarget(ctx, strings(object)[0] ?? '', 'schema');
  }
}

/** A RangeVar the statement changes or creates: registered for the tree walk, which checks it strictly. */
function target(ctx: ScopeContext, rangeVar: unknown, role: TargetRole): void {
  if (rangeVar && typeof rangeVar === 'object') ctx.targets.set(rangeVar, role);
}

/** An existing object the statement changes: qualified, its schema must be allowed; unqualified, it is looked up. */
function targetName(ctx: ScopeContext, names: string[], catalog: TargetCatalog, word: string, shown = names.join('.')): void {
  if (names.length === 0) {
    // A parse-tree shape this check does not know: refuse rather than let an unchecked name through.
    throw new GuardError(
      `refused: the server could not read which ${word} this statement acts on, so it cannot check that it is in the schemas it may use (${ctx.schemas.join(', ')}).`,
      'schema_not_allowed',
      'name the object with its schema, or ask a database administrator to run the statement.',
    );
  }
  if (names.length >= 2) {
    const schema = names[names.length - 2]!;
    if (!ctx.schemas.includes(schema)) outside(ctx, `${word} ${shown}`);
  } else {
    ctx.lookups.push({ catalog, name: names[0]! });
  }
}

/** A new object's name: unqualified it goes to the first schema of the search path (an allowed one). */
function createName(ctx: ScopeContext, names: string[], word: string): void {
  if (names.length >= 2 && !ctx.schemas.includes(names[names.length - 2]!)) outside(ctx, `new ${word} ${names.join('.')}`);
}

/** A name the statement uses but does not change (a trigger function, a collation to copy): the catalogs are fine. */
function useName(ctx: ScopeContext, names: string[], word: string): void {
  if (names.length < 2) return;
  const schema = names[names.length - 2]!;
  if (!ctx.schemas.includes(schema) && !ALWAYS_ALLOWED_SCHEMAS.has(schema)) outside(ctx, `${word} ${names.join('.')}`);
}

function schemaTarget(ctx: ScopeContext, schema: string, word: string): void {
  if (!ctx.schemas.includes(schema)) {
    throw new GuardError(
      `refused: ${word} ${schema} is not one of the schemas this server may use (${ctx.schemas.join(', ')}).`,
      'schema_not_allowed',
      `work in ${ctx.schemas.join(', ')} only (list_schemas shows them).`,
    );
  }
}

function outside(ctx: ScopeContext, what: string, location?: unknown): never {
  const { at, position } = atLocation(ctx.sql, location);
  throw new GuardError(
    `refused: ${what}${at} is outside the schemas this server may use (${ctx.schemas.join(', ')}); statements run by this server change only objects in those schemas.`,
    'schema_not_allowed',
    `work on objects in ${ctx.schemas.join(', ')} (list_tables shows them).`,
    position,
  );
}

function refuse(ctx: ScopeContext, why: string, hint: string): never {
  throw new GuardError(`refused with --schema: ${why}, which could reach schemas other than ${ctx.schemas.join(', ')}.`, 'schema_not_allowed', hint);
}

function refuseWholeDatabase(ctx: ScopeContext, what: string): never {
  throw new GuardError(
    `refused: ${what} works on every schema of the database, not only ${ctx.schemas.join(', ')}.`,
    'schema_not_allowed',
    'name one table or index in the allowed schemas.',
  );
}

/** Raw names from [{String}], {List: {items}} or {String}: the parser has already folded unquoted names. */
export function strings(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.map((item) => (item as { String?: { sval?: string } }).String?.sval).filter((s): s is string => typeof s === 'string');
  const node = value as { List?: { items?: unknown }; String?: { sval?: string } };
  if (node.List) return strings(node.List.items ?? []);
  if (typeof node.String?.sval === 'string') return [node.String.sval];
  return [];
}

/** The names of a TypeName ({TypeName: {names}} or bare), or of a name list. */
function typeNameParts(value: unknown): string[] {
  const node = value as { TypeName?: { names?: unknown }; names?: unknown } | undefined;
  if (node?.TypeName) return strings(node.TypeName.names);
  if (node && Array.isArray(node.names)) return strings(node.names);
  return strings(value);
}

function unwrapRangeVar(value: unknown): unknown {
  return (value as { RangeVar?: unknown } | undefined)?.RangeVar ?? value;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function entry(value: unknown): [string | undefined, Node] {
  const [kind, node] = Object.entries((value ?? {}) as Node)[0] ?? [];
  return [kind, (node ?? {}) as Node];
}

const WORDS: Record<string, string> = {
  OBJECT_PARAMETER_ACL: 'parameter',
  OBJECT_LARGEOBJECT: 'large object',
  OBJECT_FDW: 'foreign-data wrapper',
  OBJECT_DEFACL: 'default privileges',
  OBJECT_PUBLICATION_NAMESPACE: 'publication schema',
  OBJECT_PUBLICATION_REL: 'publication table',
};

function wordOf(objtype: string): string {
  return WORDS[objtype] ?? OBJECT_TYPES[objtype]?.word ?? objtype.replace(/^OBJECT_/, '').toLowerCase().replace(/_/g, ' ');
}

function withArticle(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

function commandWord(kind: string): string {
  return kind
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}
