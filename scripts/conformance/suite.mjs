/**
 * The MCP conformance suite (@modelcontextprotocol/conformance, under Node 22 from the npm registry), found
 * once through npx (which installs them on first use) and then run directly, so each run skips npx's ~2 s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUITE = '@modelcontextprotocol/conformance@0.2.0-alpha.12';
export const NODE22 = 'node@22';
// prefer-offline: once the suite is in npx's cache, finding it again does not ask the registry.
const npxEnv = () => ({ ...process.env, npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' });

/** Installs (first time) and locates Node 22 and the suite's entry script: { node, entry }. */
export function resolveSuite() {
  const r = spawnSync('npx', ['-y', '-p', NODE22, '-p', SUITE, '-c', 'command -v node; command -v conformance'], { encoding: 'utf8', env: npxEnv(), timeout: 300_000 });
  const [node, conformance] = (r.stdout ?? '').trim().split('\n');
  if (r.status !== 0 || !node || !conformance) throw new Error(`could not install ${SUITE} under ${NODE22}: ${r.stderr}`);
  // .bin/conformance is a symlink to the package's dist/index.js.
  const entry = join(conformance, '..', '..', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error(`the suite's entry ${entry} is missing`);
  return { node, entry };
}

/**
 * Runs every scenario of one revision's requirement set (`--requirements`) in one suite process (a few
 * seconds; a process per scenario costs ~1 s of start-up each) and resolves with the checks of the scenarios
 * asked for: { scenario: checks | undefined }, plus the suite's console output.
 */
export function runRequirements(suite, { url, revision, scenarios, outDir, timeoutMs = 180_000 }) {
  return new Promise((resolve) => {
    const args = [suite.entry, 'server', '--url', url, '--requirements', revision, '-o', outDir, '--timeout', '30000'];
    const child = spawn(suite.node, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ results: Object.fromEntries(scenarios.map((s) => [s, readChecks(outDir, s)])), output, exit: code ?? signal });
    });
  });
}

function readChecks(outDir, scenario) {
  if (!existsSync(outDir)) return undefined;
  // The suite writes <outDir>/server-<scenario>-<timestamp>/checks.json ("/" in names becomes "-").
  const prefix = `server-${scenario.replace(/\//g, '-')}-`;
  const dir = readdirSync(outDir).filter((d) => d.startsWith(prefix) && /^\d{4}-/.test(d.slice(prefix.length))).sort().at(-1);
  if (!dir || !existsSync(join(outDir, dir, 'checks.json'))) return undefined;
  return JSON.parse(readFileSync(join(outDir, dir, 'checks.json'), 'utf8'));
}
