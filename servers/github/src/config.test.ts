import { describe, expect, it } from 'vitest';
import { ConfigError } from '@portico/protocol';
import { config } from './config.js';

const token = 'ghp_CONFIGtest0123456789abcdefABCDEF';
const parse = async (apiUrl: string) => config.parse({ values: { 'api-url': apiUrl }, positionals: [], env: { GITHUB_PERSONAL_ACCESS_TOKEN: token } });

describe('GITHUB_API_URL', () => {
  it('accepts https anywhere and plain http on loopback only (the token travels in every request)', async () => {
    expect((await parse('https://ghe.example.com/api/v3/')).apiUrl).toBe('https://ghe.example.com/api/v3');
    expect((await parse('http://127.0.0.1:9999')).apiUrl).toBe('http://127.0.0.1:9999');
    expect((await parse('http://localhost:9999/api/v3')).apiUrl).toBe('http://localhost:9999/api/v3');
    expect((await parse('http://[::1]:9999')).apiUrl).toBe('http://[::1]:9999');
    const refused = await parse('http://ghe.example.com/api/v3').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).setting).toBe('GITHUB_API_URL');
    expect((refused as ConfigError).message).toMatch(/must use https.*clear text.*loopback/);
    expect((refused as ConfigError).message).not.toContain(token);
  });
});
