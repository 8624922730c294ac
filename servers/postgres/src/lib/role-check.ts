/**
 * What the connected role could do if every other defence failed. The server runs every read in a read-only
 * transaction and refuses dangerous statements, but the role's own privileges are the last word; this check
 * finds the ones that make a mistake expensive so the operator hears about them at start.
 */
import type { Session } from './database.js';
import { SYSTEM_SCHEMA_FILTER } from './catalog.js';

export interface RoleReport {
  user: string;
  serverVersion: string;
  superuser: boolean;
  /** Privileges that allow changing data, schema or roles, or reaching the server's files. */
  writePrivileges: string[];
}

export async function inspectRole(session: Session): Promise<RoleReport> {
  const { rows } = await session.query<{
    user: string;
    version: string;
    superuser: boolean;
    createRole: boolean;
    createDb: boolean;
    bypassRls: boolean;
    readFiles: boolean;
    writeFiles: boolean;
    program: boolean;
    createInDb: boolean;
    writableTables: number;
    creatableSchemas: string[];
  }>(
    `SELECT current_user AS user, current_setting('server_version') AS version,
            r.rolsuper AS superuser, r.rolcreaterole AS "createRole", r.rolcreatedb AS "createDb", r.rolbypassrls AS "bypassRls",
            pg_has_role(current_user, 'pg_read_server_files', 'USAGE') AS "readFiles",
            pg_has_role(current_user, 'pg_write_server_files', 'USAGE') AS "writeFiles",
            pg_has_role(current_user, 'pg_execute_server_program', 'USAGE') AS program,
            has_database_privilege(current_database(), 'CREATE') AS "createInDb",
            (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p') AND ${SYSTEM_SCHEMA_FILTER}
                AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
                     OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE')))::int AS "writableTables",
            ARRAY(SELECT n.nspname::text FROM pg_namespace n WHERE ${SYSTEM_SCHEMA_FILTER} AND has_schema_privilege(n.oid, 'CREATE') ORDER BY 1) AS "creatableSchemas"
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const r = rows[0];
  if (!r) return { user: 'unknown', serverVersion: 'unknown', superuser: false, writePrivileges: [] };
  const writes: string[] = [];
  if (r.superuser) writes.push('superuser (can do anything, including reading server files)');
  if (r.writableTables > 0) writes.push(`INSERT/UPDATE/DELETE/TRUNCATE on ${r.writableTables} table(s)`);
  if (r.creatableSchemas.length > 0) writes.push(`CREATE in schema(s) ${r.creatableSchemas.join(', ')}`);
  if (r.createInDb && !r.superuser) writes.push('CREATE on the database');
  if (r.createRole && !r.superuser) writes.push('CREATEROLE');
  if (r.createDb && !r.superuser) writes.push('CREATEDB');
  if (r.bypassRls && !r.superuser) writes.push('BYPASSRLS');
  if (!r.superuser && (r.readFiles || r.writeFiles || r.program)) writes.push('membership in pg_read_server_files / pg_write_server_files / pg_execute_server_program');
  return { user: r.user, serverVersion: r.version, superuser: r.superuser, writePrivileges: writes };
}
