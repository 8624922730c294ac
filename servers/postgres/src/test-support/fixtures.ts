/**
 * Test fixtures on a real PostgreSQL: a fresh database per test file with a small shop schema, a read-only
 * role, a checksum of everything a bypass could change, and deps built through the real config parser.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createLogger, type CommonConfig } from '@portico/protocol';
import { startTestPostgres, TEST_DATABASE_URL_ENV, type TestPostgres } from '@portico/test-utils';
import { config } from '../config.js';
import { createDeps, type PostgresDeps } from '../deps.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by test/global-setup.ts: the superuser URL of the run's PostgreSQL. */
    postgresUrl: string;
  }
}

/** The rows of a query result's structuredContent. */
export function rowsOf(result: { structuredContent?: unknown }): unknown[] | undefined {
  return (result.structuredContent as { rows?: unknown[] } | undefined)?.rows;
}

export interface Fixture {
  pg: TestPostgres;
  database: string;
  /** Superuser URL of the fixture database (carries the canary password). */
  url: string;
  /** URL of a role with CONNECT, USAGE and SELECT only. */
  readOnlyUrl: string;
  readOnlyRole: string;
  readOnlyPassword: string;
  /** The superuser password: a canary that must never appear in any output. */
  canary: string;
  /** Runs SQL as the superuser in the fixture database. */
  sql<R extends Record<string, unknown> = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** A digest of data, sequences, catalog objects, roles, large objects and ALTER SYSTEM settings. */
  checksum(): Promise<string>;
  close(): Promise<void>;
}

export async function createFixture(prefix: string): Promise<Fixture> {
  if (!process.env[TEST_DATABASE_URL_ENV]) process.env[TEST_DATABASE_URL_ENV] = inject('postgresUrl');
  const pg = await startTestPostgres();
  const db = await pg.createDatabase(prefix);
  const readOnlyRole = `ro_${randomBytes(4).toString('hex')}`;
  const readOnlyPassword = `ro-canary-${randomBytes(8).toString('hex')}`;
  const sql = async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) => (await pg.sql<R>(text, params, db.name)).rows;
  await sql(SEED_SQL);
  await sql(`CREATE ROLE ${readOnlyRole} LOGIN PASSWORD '${readOnlyPassword}'`);
  await sql(`GRANT CONNECT ON DATABASE "${db.name}" TO ${readOnlyRole}`);
  await sql(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
  for (const schema of ['public', 'sales']) {
    await sql(`GRANT USAGE ON SCHEMA ${schema} TO ${readOnlyRole}`);
    await sql(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${readOnlyRole}`);
  }
  await sql('ANALYZE');
  return {
    pg,
    database: db.name,
    url: db.url,
    readOnlyUrl: pg.urlFor({ user: readOnlyRole, password: readOnlyPassword, database: db.name }),
    readOnlyRole,
    readOnlyPassword,
    canary: pg.password,
    sql,
    checksum: async () => {
      const rows = await sql<{ part: string }>(CHECKSUM_SQL);
      return rows.map((r) => r.part).join('|');
    },
    close: async () => {
      await pg.close();
      await pg.sql(`DROP ROLE IF EXISTS ${readOnlyRole}`).catch(() => {});
    },
  };
}

const SEED_SQL = `
CREATE TABLE public.customers (
  id serial PRIMARY KEY,
  name text NOT NULL,
  email varchar(200) UNIQUE,
  created_at timestamptz NOT NULL DEFAULT '2024-01-01T00:00:00Z'
);
COMMENT ON TABLE public.customers IS 'People who buy things';
CREATE TABLE public.orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int NOT NULL REFERENCES public.customers(id) ON DELETE CASCADE,
  total numeric(10,2) NOT NULL CHECK (total >= 0),
  status text NOT NULL DEFAULT 'new',
  meta jsonb
);
CREATE INDEX orders_customer_idx ON public.orders (customer_id);
CREATE INDEX orders_customer_dup_idx ON public.orders (customer_id);
CREATE INDEX orders_status_idx ON public.orders (status);
CREATE SEQUENCE public.invoice_seq;
CREATE SCHEMA sales;
CREATE TABLE sales.regions (code text PRIMARY KEY, name text NOT NULL);
CREATE TABLE sales."Mixed Case" (id int PRIMARY KEY, "Value" text);
CREATE SCHEMA secret;
CREATE TABLE secret.keys (id int, value text);
INSERT INTO secret.keys VALUES (1, 'top-secret-value');
CREATE VIEW public.order_totals AS SELECT customer_id, sum(total) AS total FROM public.orders GROUP BY customer_id;
INSERT INTO public.customers (name, email) SELECT 'customer ' || g, 'c' || g || '@example.test' FROM generate_series(1, 50) g;
INSERT INTO public.orders (customer_id, total, status, meta)
  SELECT 1 + (g % 50), (g * 1.25)::numeric(10,2), CASE WHEN g % 3 = 0 THEN 'shipped' ELSE 'new' END, jsonb_build_object('n', g)
  FROM generate_series(1, 200) g;
INSERT INTO sales.regions VALUES ('eu', 'Europe'), ('us', 'United States');
INSERT INTO sales."Mixed Case" VALUES (1, 'one');
CREATE FUNCTION public.evil_delete() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.orders; RETURN 1; END $$;
CREATE FUNCTION public.evil_setting() RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM set_config('default_transaction_read_only', 'off', false); RETURN 'x'; END $$;
`;

const CHECKSUM_SQL = `
SELECT 'customers:' || md5(coalesce(string_agg(c::text, ',' ORDER BY c.id), '')) AS part FROM public.customers c
UNION ALL SELECT 'orders:' || md5(coalesce(string_agg(o::text, ',' ORDER BY o.id), '')) FROM public.orders o
UNION ALL SELECT 'regions:' || md5(coalesce(string_agg(r::text, ',' ORDER BY r.code), '')) FROM sales.regions r
UNION ALL SELECT 'keys:' || md5(coalesce(string_agg(k::text, ',' ORDER BY k.id), '')) FROM secret.keys k
UNION ALL SELECT 'seq:' || last_value || ':' || is_called FROM public.invoice_seq
UNION ALL SELECT 'relations:' || md5(string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text, ',' ORDER BY n.nspname, c.relname))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
UNION ALL SELECT 'functions:' || md5(string_agg(p.oid::regprocedure::text, ',' ORDER BY p.oid::regprocedure::text))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
UNION ALL SELECT 'roles:' || md5(string_agg(rolname || ':' || rolsuper::text, ',' ORDER BY rolname)) FROM pg_roles
UNION ALL SELECT 'largeobjects:' || count(*) FROM pg_largeobject_metadata
UNION ALL SELECT 'autoconf:' || count(*) FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'
UNION ALL SELECT 'dbsettings:' || count(*) FROM pg_db_role_setting
`;

export interface DepsHandle {
  deps: PostgresDeps;
  /** Everything the server logged so far. */
  logs(): string;
  close(): Promise<void>;
}

/** Deps built exactly as the bin builds them: through the real config parser. */
export async function makeDeps(url: string, argv: Record<string, string | boolean | string[]> = {}): Promise<DepsHandle> {
  const lines: string[] = [];
  const log = createLogger({ name: 'portico-postgres', level: 'debug', write: (line) => lines.push(line) });
  const parsed = await config.parse({ values: argv, positionals: [url], env: {} });
  const deps = await createDeps(parsed, { log, common: { readOnly: false } as CommonConfig });
  return { deps, logs: () => lines.join(''), close: () => deps.close() };
}
