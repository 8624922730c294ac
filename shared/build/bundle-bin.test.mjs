import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import module from 'node:module';
import { bundleBins, CHUNKS_DIR, LAUNCHER_MARK } from './bundle-bin.mjs';

/** A small package laid out like a built server: tsc output in dist/, dependencies in node_modules/. */
function writePackage(root) {
  const files = {
    'package.json': { name: 'fixture-server', version: '1.2.3', type: 'module', bin: { fixture: 'dist/cli.js' }, dependencies: { dep: '*', nat: '*', wasmdep: '*' } },
    'dist/cli.js': [
      '#!/usr/bin/env node',
      "import { info } from './lib.js';",
      "import { depInfo, greet } from 'dep';",
      "import nat from 'nat';",
      "import { wasmInfo } from 'wasmdep';",
      "const lazy = process.argv[2] === 'lazy' ? await import('./lazy.js') : null;",
      'console.log(JSON.stringify({ own: info, dep: depInfo, greet: greet(), nat, wasm: wasmInfo, lazy: lazy?.value ?? null }));',
    ].join('\n'),
    'dist/lib.js': "import { readPackageInfo } from './package-info.js';\nexport const info = readPackageInfo(import.meta.url);\n",
    // If the bundler failed to replace the call, the output would say so instead of naming a package.
    'dist/package-info.js': "export function readPackageInfo(url) { return 'not replaced: ' + url; }\n",
    'dist/lazy.js': "export const value = 'lazy-loaded';\n",
    'node_modules/dep/package.json': { name: 'dep', version: '4.5.6', type: 'module', main: 'index.js', license: 'MIT' },
    'node_modules/dep/index.js': "function readPackageInfo(url) { return 'not replaced: ' + url; }\nexport const depInfo = readPackageInfo(import.meta.url);\nexport const greet = () => 'hello';\n",
    'node_modules/dep/LICENSE': 'MIT License\n\nCopyright (c) the dep authors',
    'node_modules/nat/package.json': { name: 'nat', version: '1.0.0', main: 'index.js', license: 'MIT' },
    'node_modules/nat/binding.gyp': '{}',
    'node_modules/nat/index.js': "module.exports = 'loaded from ' + __filename;\n",
    'node_modules/wasmdep/package.json': { name: 'wasmdep', version: '2.0.0', type: 'module', main: 'index.js', license: 'MIT' },
    'node_modules/wasmdep/wasm/module.wasm': '',
    'node_modules/wasmdep/index.js': 'export const wasmInfo = import.meta.url;\n',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
}

const run = (root, ...args) => JSON.parse(execFileSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { encoding: 'utf8' }));
const runWithEnv = (root, env) => execFileSync(process.execPath, [join(root, 'dist/cli.js')], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

describe('portico-bundle-bin', () => {
  let root;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'portico-bundle-')));
    writePackage(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('makes the bin one program that runs without the modules it inlined', async () => {
    const result = await bundleBins(root);
    const bin = readFileSync(join(root, 'dist/cli.js'), 'utf8');
    expect(bin.startsWith(`#!/usr/bin/env node\n${LAUNCHER_MARK}\n`)).toBe(true);
    expect(bin).toContain("await import(\"./cli.bundle.js\")");
    // tsc's map of the bin described the file the launcher replaced.
    expect(existsSync(join(root, 'dist/cli.js.map'))).toBe(false);
    expect(existsSync(join(root, 'dist/cli.bundle.js.map'))).toBe(true);
    expect(result.external.sort()).toEqual(['nat', 'wasmdep']);
    expect(result.packages).toEqual(['dep@4.5.6']);

    // What was inlined is no longer needed on disk; what was left external still loads from node_modules.
    rmSync(join(root, 'dist/lib.js'));
    rmSync(join(root, 'node_modules/dep'), { recursive: true });
    const output = run(root);
    expect(output.own).toEqual({ name: 'fixture-server', version: '1.2.3' });
    expect(output.dep).toEqual({ name: 'dep', version: '4.5.6' });
    expect(output.greet).toBe('hello');
    expect(output.nat).toBe(`loaded from ${join(root, 'node_modules/nat/index.js')}`);
    expect(output.wasm).toBe(`file://${join(root, 'node_modules/wasmdep/index.js')}`);
    expect(output.lazy).toBeNull();
  });

  it('splits a dynamic import into a chunk loaded only when reached', async () => {
    await bundleBins(root);
    expect(readdirSync(join(root, 'dist', CHUNKS_DIR)).some((f) => f.startsWith('lazy-') && f.endsWith('.js'))).toBe(true);
    expect(run(root, 'lazy').lazy).toBe('lazy-loaded');
  });

  it('lists the licence of every package copied in, and none of those left external', async () => {
    await bundleBins(root);
    const licences = readFileSync(join(root, 'dist/THIRD-PARTY-LICENSES.md'), 'utf8');
    expect(licences).toContain('## dep 4.5.6 (MIT)');
    expect(licences).toContain('Copyright (c) the dep authors');
    expect(licences).not.toContain('## nat');
    expect(licences).not.toContain('## wasmdep');
  });

  // Node 20 has no module.enableCompileCache; CI runs this file under Node 22 as well (.ci/run), where it does.
  it.runIf(typeof module.enableCompileCache === 'function')('turns on the compile cache before the bundle loads, unless NODE_DISABLE_COMPILE_CACHE is set', async () => {
    await bundleBins(root);
    // os.tmpdir() follows TMPDIR, so the default cache folder lands in this test's folder. Nothing but the
    // launcher's call turns the cache on here: NODE_COMPILE_CACHE is not passed.
    const disabled = join(root, 'tmp-disabled');
    mkdirSync(disabled);
    runWithEnv(root, { TMPDIR: disabled, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(readdirSync(disabled)).toEqual([]);

    const tmp = join(root, 'tmp');
    mkdirSync(tmp);
    expect(JSON.parse(runWithEnv(root, { TMPDIR: tmp })).greet).toBe('hello');
    const cached = readdirSync(join(tmp, 'node-compile-cache'), { recursive: true });
    expect(cached.length).toBeGreaterThan(1);
    // A second launch reads the cache and still runs the same program.
    expect(JSON.parse(runWithEnv(root, { TMPDIR: tmp })).own).toEqual({ name: 'fixture-server', version: '1.2.3' });
  });

  it('refuses to bundle a bundle, and says to run tsc first when the bin is missing', async () => {
    await bundleBins(root);
    await expect(bundleBins(root)).rejects.toThrow(/already a bundle: run tsc first/);
    rmSync(join(root, 'dist/cli.js'));
    await expect(bundleBins(root)).rejects.toThrow(/dist\/cli\.js does not exist: run tsc first/);
    expect(existsSync(join(root, 'dist/cli.js'))).toBe(false);
  });
});
