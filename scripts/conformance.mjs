#!/usr/bin/env node
/**
 * Runs the MCP conformance suite (@modelcontextprotocol/conformance, under Node 22 from the npm registry)
 * against a Portico server over Streamable HTTP, for the 2025-11-25 and 2026-07-28 requirement sets.
 *
 *   node scripts/conformance.mjs                 # the conformance fixture server (CI)
 *   node scripts/conformance.mjs --server sqlite -- --db-path /tmp/x.db   # any built server
 *
 * Portico's /mcp requires a bearer token and the suite sends none, so the suite talks to a loopback
 * pass-through proxy that adds the Authorization header and forwards everything else untouched (Host and
 * Origin included, so the DNS-rebinding scenario still tests the server's own checks).
 * Expected failures live in scripts/conformance/expected-failures-<revision>.yaml, one reason per entry.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUITE = '@modelcontextprotocol/conformance@0.2.0-alpha.12';
const NODE22 = 'node@22';

const { values, positionals } = parseArgs({
  options: { server: { type: 'string' }, revision: { type: 'string', multiple: true }, scenario: { type: 'string' } },
  allowPositionals: true,
});
const revisions = values.revision ?? ['2025-11-25', '2026-07-28'];
const bin = values.server
  ? join(repo, 'servers', values.server, 'dist', 'cli.js')
  : join(repo, 'shared', 'conformance-fixture', 'dist', 'cli.js');
if (!existsSync(bin)) {
  console.error(`conformance: ${bin} is not built; run pnpm build first.`);
  process.exit(2);
}

const token = randomBytes(24).toString('base64url');
const child = spawn(process.execPath, [bin, '--transport', 'http', '--port', '0', ...positionals], {
  env: { ...process.env, PORTICO_HTTP_TOKEN: token },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
const upstream = await new Promise((resolveUrl, reject) => {
  const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 20_000);
  child.stderr.on('data', (c) => {
    stderr += c;
    const m = / listening on http:\/\/([^/]+)\/mcp/.exec(stderr);
    if (m) {
      clearTimeout(timer);
      resolveUrl(m[1]);
    }
  });
  child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${stderr}`)));
});
const [upHost, upPort] = [upstream.slice(0, upstream.lastIndexOf(':')), Number(upstream.slice(upstream.lastIndexOf(':') + 1))];

// The pass-through proxy: adds the bearer token, changes nothing else.
const proxy = createServer((req, res) => {
  const headers = { ...req.headers, authorization: `Bearer ${token}` };
  const out = request({ host: upHost, port: upPort, method: req.method, path: req.url, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(out);
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
const proxyUrl = `http://127.0.0.1:${proxy.address().port}/mcp`;

let failed = false;
for (const revision of revisions) {
  const expected = join(repo, 'scripts', 'conformance', `expected-failures-${revision}.yaml`);
  const out = mkdtempSync(join(tmpdir(), `portico-conformance-${revision}-`));
  const args = [
    '-y', '-p', NODE22, '-p', SUITE, '-c',
    `conformance server --url ${proxyUrl} ${values.scenario ? `--scenario ${values.scenario} --spec-version ${revision}` : `--requirements ${revision}`} -o ${out}${existsSync(expected) ? ` --expected-failures ${expected}` : ''}`,
  ];
  console.log(`\nconformance ${revision} against ${values.server ?? 'the fixture server'}:`);
  // Asynchronous on purpose: the proxy above lives in this process and must keep serving meanwhile.
  const status = await new Promise((done) => {
    const suite = spawn('npx', args, { stdio: 'inherit', env: { ...process.env, npm_config_update_notifier: 'false' } });
    const timer = setTimeout(() => suite.kill('SIGTERM'), 900_000);
    suite.once('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
  if (status !== 0) {
    failed = true;
    console.log(`conformance ${revision}: FAILED (exit ${status})`);
  } else {
    console.log(`conformance ${revision}: passed (results in ${out})`);
  }
}

proxy.close();
child.kill('SIGTERM');
process.exit(failed ? 1 : 0);
