/**
 * The connection URL: validation, the safe description of where we connect (never the password), and the
 * startup parameters every pooled connection gets. TLS settings (sslmode, sslrootcert, ...) stay in the URL
 * and are applied by node-postgres exactly as written there.
 */
/** The URL cannot be used; the message says how to fix it and never contains the URL itself. */
export class ConnectionUrlError extends Error {
  override readonly name = 'ConnectionUrlError';
}

export interface ConnectionTarget {
  host: string;
  port: number;
  database: string;
  user: string | undefined;
  /** Whether the URL asks for TLS (sslmode other than disable, or ssl=true). */
  tls: boolean;
}

export interface ParsedConnection {
  connectionString: string;
  target: ConnectionTarget;
}

/** The startup `options` every connection sends: reads are the default even outside our own BEGIN READ ONLY. */
export const STARTUP_OPTIONS = '-c default_transaction_read_only=on';

export function parseConnectionUrl(raw: string): ParsedConnection {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectionUrlError('the database URL is not a URL: use postgresql://user:password@host:5432/dbname.');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConnectionUrlError(`the database URL must start with postgresql:// or postgres:// (got ${url.protocol}//).`);
  }
  const database = decodeSafe(url.pathname.replace(/^\//, '')) || decodeSafe(url.username) || 'postgres';
  // A host in ?host= (e.g. a Unix socket directory) wins over the authority, as in libpq.
  const host = url.searchParams.get('host') ?? (url.hostname.replace(/^\[|\]$/g, '') || 'localhost');
  const port = Number(url.searchParams.get('port') ?? url.port ?? '') || 5432;
  const sslmode = url.searchParams.get('sslmode');
  const ssl = url.searchParams.get('ssl');
  const tls = (sslmode !== null && sslmode !== 'disable') || ssl === 'true' || ssl === '1';

  // Append our startup options to any the user gave, so both apply.
  const existing = url.searchParams.get('options');
  url.searchParams.set('options', existing ? `${existing} ${STARTUP_OPTIONS}` : STARTUP_OPTIONS);
  if (!url.searchParams.has('application_name')) url.searchParams.set('application_name', 'portico-postgres');
  return {
    connectionString: url.toString(),
    target: { host, port, database, user: url.username ? decodeSafe(url.username) : undefined, tls },
  };
}

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `host:port/database as user`: what messages say instead of the URL. */
export function describeTarget(target: ConnectionTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${host}:${target.port}/${target.database}${target.user ? ` as ${target.user}` : ''}`;
}

/** The authority used in resource URIs: host and port only, never user or password. */
export function resourceAuthority(target: ConnectionTarget): string {
  // Socket directories (paths) are not valid URI hosts; name the database server "localhost" then.
  const host = target.host.startsWith('/') ? 'localhost' : target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${host}:${target.port}`;
}
