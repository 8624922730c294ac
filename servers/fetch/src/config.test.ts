import { describe, expect, it } from 'vitest';
import { ConfigError, parseCommandLine, secrets } from '@portico/protocol';
import { config, DEFAULT_MAX_BYTES } from './config.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCommandLine(argv, env, config, { port: 3307 });

describe('fetch settings', () => {
  it('has safe defaults', async () => {
    const { server, common } = await parse([]);
    expect(common.port).toBe(3307);
    expect(server).toMatchObject({ ignoreRobotsTxt: false, allowNetworks: [], allowHosts: [], denyHosts: [], maxBytes: DEFAULT_MAX_BYTES, timeoutMs: 30_000, cacheTtlMs: 60_000, convertTimeoutMs: 10_000 });
    expect(server.proxy).toBeUndefined();
  });

  it('reads repeatable flags and their env forms', async () => {
    const { server } = await parse(['--allow-network', '10.1.0.0/16', '--allow-network', 'fd00::/8', '--deny-host', '*.corp.example'], { PORTICO_FETCH_ALLOW_HOST: 'a.example,*.b.example', PORTICO_FETCH_IGNORE_ROBOTS_TXT: '1' });
    expect(server.allowNetworks).toEqual(['10.1.0.0/16', 'fd00::/8']);
    expect(server.denyHosts).toEqual(['*.corp.example']);
    expect(server.allowHosts).toEqual(['a.example', '*.b.example']);
    expect(server.ignoreRobotsTxt).toBe(true);
  });

  it('registers the proxy password as a secret and keeps it out of the URL', async () => {
    const { server } = await parse(['--proxy-url', 'http://me:s3cr3t-pass@proxy.example:3128']);
    expect(server.proxy!.url.href).toBe('http://proxy.example:3128/');
    expect(server.proxy!.authorization).toBe(`Basic ${Buffer.from('me:s3cr3t-pass').toString('base64')}`);
    expect(secrets.redact('token s3cr3t-pass')).toBe('token [REDACTED]');
  });

  it('names the setting at fault', async () => {
    for (const [argv, setting] of [
      [['--allow-network', 'ten.0.0.0/8'], '--allow-network'],
      [['--allow-host', 'https://x.example'], '--allow-host'],
      [['--max-bytes', '12'], '--max-bytes'],
      [['--timeout', '0'], '--timeout'],
      [['--convert-timeout', '0'], '--convert-timeout'],
      [['--proxy-url', 'https://proxy.example'], '--proxy-url'],
      [['--user-agent', ''], '--user-agent'],
    ] as const) {
      const error = await parse([...argv]).catch((e: unknown) => e);
      expect(error, argv.join(' ')).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain(setting);
    }
  });
});
