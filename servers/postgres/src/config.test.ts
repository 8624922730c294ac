import { describe, expect, it } from 'vitest';
import { ConfigError, secrets } from '@portico/protocol';
import { config, writeRequested } from './config.js';

const parse = async (positionals: string[], values: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}) =>
  config.parse({ values: values as never, positionals, env });

describe('config', () => {
  it('takes the URL from the argument or DATABASE_URL and adds the read-only startup option', async () => {
    const a = await parse(['postgresql://app@db.example:6543/shop?sslmode=require']);
    expect(a.target).toEqual({ host: 'db.example', port: 6543, database: 'shop', user: 'app', tls: true });
    expect(new URL(a.connectionString).searchParams.get('options')).toBe('-c default_transaction_read_only=on');
    const b = await parse([], {}, { DATABASE_URL: 'postgres://u@h/d?options=-c%20work_mem%3D64MB' });
    expect(new URL(b.connectionString).searchParams.get('options')).toBe('-c work_mem=64MB -c default_transaction_read_only=on');
    expect(b).toMatchObject({ maxRows: 1000, statementTimeoutMs: 30000, poolSize: 5, allowWrite: false, schemas: undefined });
  });

  it('registers the password as a secret before anything else', async () => {
    const password = 'p@ss-w0rd/with:odd chars';
    await parse([`postgresql://app:${encodeURIComponent(password)}@h/d`]);
    expect(secrets.redact(`x ${password} y ${encodeURIComponent(password)}`)).toBe('x [REDACTED] y [REDACTED]');
    const other = 'query-string-secret-123';
    await parse([`postgresql://app@h/d?password=${other}`]);
    expect(secrets.redact(other)).toBe('[REDACTED]');
  });

  it('names the setting and the fix on bad input, without echoing the URL', async () => {
    await expect(parse([])).rejects.toThrow(ConfigError);
    await expect(parse([])).rejects.toThrow(/DATABASE_URL/);
    await expect(parse(['mysql://u:hunter2hunter2@h/d'])).rejects.toThrow(/must start with postgresql:\/\//);
    await expect(parse(['not a url'])).rejects.toThrow(/not a URL/);
    await expect(parse(['postgresql://h/d'], { 'max-rows': '0' })).rejects.toThrow(/--max-rows must be between 1/);
    await expect(parse(['postgresql://h/d'], { 'statement-timeout': 'soon' })).rejects.toThrow(/--statement-timeout must be a whole number/);
    await expect(parse(['postgresql://h/d', 'postgresql://h/e'])).rejects.toThrow(/one database URL/);
  });

  it('reads limits, schemas and --allow-write', async () => {
    const c = await parse(['postgresql://h/d'], { 'max-rows': '50', 'statement-timeout': '2000', 'pool-size': '3', schema: ['a', 'b', 'a'], 'allow-write': true });
    expect(c).toMatchObject({ maxRows: 50, statementTimeoutMs: 2000, poolSize: 3, schemas: ['a', 'b'], allowWrite: true });
    expect(writeRequested(['postgresql://h/d', '--allow-write'], {})).toBe(true);
    expect(writeRequested(['postgresql://h/d'], { PORTICO_POSTGRES_ALLOW_WRITE: '1' })).toBe(true);
    expect(writeRequested(['postgresql://h/d', '--port', '3303'], {})).toBe(false);
  });
});
