import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConfigSpec, parseCommandLine, renderHelp } from './config.js';
import { ConfigError } from './errors.js';

const spec: ConfigSpec<{ db: string }> = {
  options: { 'db-path': { type: 'string', env: 'X_DB', description: 'db' } },
  parse: ({ values }) => {
    if (!values['db-path']) throw new ConfigError('--db-path is required: pass --db-path FILE.', '--db-path');
    return { db: values['db-path'] as string };
  },
};
const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCommandLine(argv, env, spec, { port: 3302 });

describe('parseCommandLine', () => {
  it('applies the contract defaults', async () => {
    const { common, server } = await parse(['--db-path', 'a.db']);
    expect(common).toMatchObject({ transport: 'stdio', host: '127.0.0.1', port: 3302, readOnly: false, logLevel: 'info', httpToken: undefined });
    expect(server).toEqual({ db: 'a.db' });
  });

  it('reads env equivalents, and flags win over env', async () => {
    const env = { PORTICO_TRANSPORT: 'http', PORTICO_PORT: '0', PORTICO_READ_ONLY: '1', X_DB: 'env.db', PORTICO_HTTP_TOKEN: 'a-token-of-sufficient-length' };
    const { common, server } = await parse([], env);
    expect(common).toMatchObject({ transport: 'http', port: 0, readOnly: true, httpToken: 'a-token-of-sufficient-length' });
    expect(server.db).toBe('env.db');
    expect((await parse(['--db-path', 'flag.db', '--port', '9000'], env)).server.db).toBe('flag.db');
  });

  it('reads the token from --token-file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-cfg-'));
    writeFileSync(join(dir, 'token'), 'file-token-0123456789abcdef\n');
    expect((await parse(['--db-path', 'a', '--token-file', join(dir, 'token')])).common.httpToken).toBe('file-token-0123456789abcdef');
  });

  const bad: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
    [['--bogus'], {}, /Unknown option '--bogus'/],
    [['--db-path', 'a', '--transport', 'carrier-pigeon'], {}, /--transport must be stdio or http/],
    [['--db-path', 'a', '--port', 'eighty'], {}, /--port must be a whole number/],
    [['--db-path', 'a', '--port', '70000'], {}, /--port must be between/],
    [['--db-path', 'a', '--log-level', 'loud'], {}, /--log-level must be one of/],
    [['--db-path', 'a', '--transport', 'http', '--host', '0.0.0.0'], {}, /not a loopback address.*--token-file/],
    [['--db-path', 'a', '--token-file', '/nonexistent/token'], {}, /--token-file .* cannot be read/],
    [['--db-path', 'a'], { PORTICO_HTTP_TOKEN: 'short' }, /at least 16 characters/],
    [['--db-path', 'a'], { PORTICO_READ_ONLY: 'maybe' }, /PORTICO_READ_ONLY="maybe" is not a yes\/no value/],
    [['--db-path', 'a', '--allowed-origin', 'not a url'], {}, /--allowed-origin "not a url" is not an origin/],
    [['stray'], {}, /takes no positional arguments/],
    [[], {}, /--db-path is required/],
  ];
  for (const [argv, env, message] of bad) {
    it(`refuses ${JSON.stringify(argv)} ${JSON.stringify(env)} with one clear line`, async () => {
      const error = await parse(argv, env).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    });
  }

  it('lets a non-loopback host through when a token is configured', async () => {
    const { common } = await parse(['--db-path', 'a', '--transport', 'http', '--host', '0.0.0.0'], { PORTICO_HTTP_TOKEN: 'a-token-of-sufficient-length' });
    expect(common.host).toBe('0.0.0.0');
  });

  it('answers --help and --version even without required settings', async () => {
    expect((await parse(['--help'])).help).toBe(true);
    expect((await parse(['--version'])).version).toBe(true);
    expect(renderHelp('portico-x', 'a server', spec as ConfigSpec<unknown>)).toContain('--db-path VALUE');
  });
});
