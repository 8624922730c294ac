/**
 * MCP Registry metadata: each servers/<name>/server.json agrees with its package.json (name = mcpName, same
 * version, package identifier = npm name), lists only environment variables the server reads, and its
 * required settings are exactly what the built bin needs to start: with them it starts, without any one of them
 * it exits 2 naming it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
const SCHEMA = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';
const NAMESPACE = 'io.github.portico';

interface Input {
  name?: string;
  type?: 'positional' | 'named';
  valueHint?: string;
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
}
interface ServerJson {
  $schema: string;
  name: string;
  description: string;
  version: string;
  packages: { registryType: string; registryBaseUrl?: string; identifier: string; version: string; transport: { type: string }; packageArguments?: Input[]; environmentVariables?: Input[] }[];
}

// Published servers: every folder under servers/ with a package.json that is not private (not the template).
const servers = readdirSync(join(repo, 'servers'))
  .filter((name) => existsSync(join(repo, 'servers', name, 'package.json')) && !name.startsWith('scaffold-check-'))
  .filter((name) => JSON.parse(readFileSync(join(repo, 'servers', name, 'package.json'), 'utf8')).private !== true)
  .sort();

const read = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

let scratch: string;
let deadPort: number;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'portico-server-json-'));
  // Upstream URLs point at a loopback port nobody listens on: starting a server must not reach anything.
  deadPort = await new Promise<number>((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Values a host would fill in for each required input: shaped like real ones, valid nowhere. */
function sampleValue(input: Input): string {
  const samples: Record<string, string> = {
    GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_portico_server_json_fake_token',
    SLACK_BOT_TOKEN: 'xoxb-0000000000-0000000000000-portico-fake',
    SLACK_TEAM_ID: 'T00000000',
    DATABASE_URL: `postgresql://portico@127.0.0.1:${deadPort}/portico`,
    '--db-path': join(scratch, 'sample.db'),
    directory: scratch,
  };
  const key = input.name ?? input.valueHint ?? '';
  const value = samples[key];
  if (value === undefined) throw new Error(`no sample value for required input "${key}": add one to sampleValue()`);
  return value;
}

/** Starts the built bin over stdio with stdin at EOF; resolves with its exit code and stderr. */
function launch(server: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [join(repo, 'servers', server, 'dist', 'cli.js'), ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: scratch,
        GITHUB_API_URL: `http://127.0.0.1:${deadPort}`,
        SLACK_API_URL: `http://127.0.0.1:${deadPort}/api/`,
        ...env,
      },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
    child.stdin.end();
  });
}

function argv(inputs: Input[]): string[] {
  return inputs.flatMap((input) => (input.type === 'named' ? [input.name!, sampleValue(input)] : [sampleValue(input)]));
}

/** The environment variables a server's settings read: its built ConfigSpec plus literal names in its sources. */
async function envVarsRead(server: string): Promise<Set<string>> {
  const { config } = (await import(pathToFileURL(join(repo, 'servers', server, 'dist', 'config.js')).href)) as {
    config: { options?: Record<string, { env?: string }> };
  };
  const names = new Set(Object.values(config.options ?? {}).flatMap((option) => (option.env ? [option.env] : [])));
  for (const file of ['config.ts', 'cli.ts']) {
    const source = readFileSync(join(repo, 'servers', server, 'src', file), 'utf8');
    // `env.NAME` reads and 'NAME' constants (e.g. TOKEN_ENV = 'GITHUB_PERSONAL_ACCESS_TOKEN'); prose mentions do not count.
    for (const match of source.matchAll(/env\.([A-Z][A-Z0-9_]+)|'([A-Z][A-Z0-9_]+)'/g)) names.add(match[1] ?? match[2]!);
  }
  return names;
}

describe('server.json', () => {
  it('exists for every published server', () => {
    expect(servers).toEqual(['fetch', 'filesystem', 'git', 'github', 'postgres', 'slack', 'sqlite']);
    for (const server of servers) expect(existsSync(join(repo, 'servers', server, 'server.json')), server).toBe(true);
  });

  describe.each(servers)('%s', (server) => {
    const pkg = read<{ name: string; version: string; mcpName: string }>(join(repo, 'servers', server, 'package.json'));
    const json = read<ServerJson>(join(repo, 'servers', server, 'server.json'));
    const npm = json.packages.find((p) => p.registryType === 'npm')!;
    const envVars = npm?.environmentVariables ?? [];
    const requiredEnv = envVars.filter((v) => v.isRequired);
    const requiredArgs = (npm?.packageArguments ?? []).filter((a) => a.isRequired);

    it('agrees with package.json', () => {
      expect(json.$schema).toBe(SCHEMA);
      expect(pkg.mcpName).toBe(`${NAMESPACE}/server-${server}`);
      expect(json.name).toBe(pkg.mcpName);
      expect(json.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
      expect(json.version).toBe(pkg.version);
      expect(npm).toBeDefined();
      expect(npm.identifier).toBe(pkg.name);
      expect(npm.version).toBe(pkg.version);
      expect(npm.registryBaseUrl).toBe('https://registry.npmjs.org');
      expect(npm.transport).toEqual({ type: 'stdio' });
      // The registry's schema caps the description at 100 characters.
      expect(json.description.length).toBeGreaterThan(0);
      expect(json.description.length).toBeLessThanOrEqual(100);
    });

    it('lists only environment variables the server reads, each described, secrets marked', async () => {
      const readByServer = await envVarsRead(server);
      for (const variable of envVars) {
        expect(readByServer.has(variable.name!), `${server} does not read ${variable.name}`).toBe(true);
        expect(variable.description, variable.name).toBeTruthy();
        if (/TOKEN|PASSWORD|DATABASE_URL/.test(variable.name!)) expect(variable.isSecret, `${variable.name} is a secret`).toBe(true);
      }
      expect(new Set(envVars.map((v) => v.name)).size).toBe(envVars.length);
    });

    it('starts with exactly its required settings', async () => {
      const env = Object.fromEntries(requiredEnv.map((v) => [v.name!, sampleValue(v)]));
      const started = await launch(server, argv(requiredArgs), env);
      expect(started.stderr).toContain(`ready on stdio`);
      expect(started.code).toBe(0);
    });

    it('refuses to start without any one of them, naming it', async () => {
      for (const missing of requiredEnv) {
        const env = Object.fromEntries(requiredEnv.filter((v) => v !== missing).map((v) => [v.name!, sampleValue(v)]));
        const result = await launch(server, argv(requiredArgs), env);
        expect(result.code, `${server} without ${missing.name}`).toBe(2);
        expect(result.stderr).toContain(missing.name);
      }
      for (const missing of requiredArgs) {
        const env = Object.fromEntries(requiredEnv.map((v) => [v.name!, sampleValue(v)]));
        const result = await launch(server, argv(requiredArgs.filter((a) => a !== missing)), env);
        expect(result.code, `${server} without ${missing.name ?? missing.valueHint}`).toBe(2);
      }
    });
  });
});
