#!/usr/bin/env node
/**
 * portico-bundle-bin: turns a server's bin (tsc's dist/cli.js) into one tree-shaken program, in place.
 *
 * Why: a host starts every configured server at launch, so cold start is part of the contract. Unbundled, a
 * server loads ~200 ES modules (65 of them zod locales it never uses) and 2.2 MB of JavaScript; the bundle
 * starts in ~0.6x the time of the official filesystem server instead of ~1.0x (BENCHMARKS.md).
 *
 * What it does, run from a server's folder after `tsc` (the server's `build` script does both):
 * - bundles each `bin` entry of package.json with rolldown into `<bin>.bundle.js` beside it (dist/cli.bundle.js),
 *   and code shared with the lazily loaded HTTP entry into dist/bin-chunks/; the rest of dist/ (tsc's per-module
 *   output and types) is left alone for anyone importing the package as a library;
 * - writes the bin itself (dist/cli.js) as a three-line launcher that turns on Node's compile cache and then
 *   loads the bundle: on Node 22.1+ V8's compiled code is kept between launches (136 → 120 ms to a tools/list
 *   answer for the filesystem server on Node 22.23, the same build without and with the launcher, 15 launches each; Node 20 has no such API and runs the bundle
 *   as before). The cache must be on before the bundle is compiled, hence a file of its own;
 * - keeps Node built-ins, native addons (better-sqlite3) and packages shipping .wasm files (libpg-query) external;
 * - replaces `readPackageInfo(import.meta.url)` with the name, version and description of the package.json
 *   nearest to the module it appears in, because inside the bundle import.meta.url would point at the server's
 *   package for every module (and @portico/protocol would report the server's version as its own);
 * - writes dist/THIRD-PARTY-LICENSES.md with the licence of every package copied into the bundle.
 *
 * It refuses to bundle a bin that is already a bundle (run tsc first), so running it twice is harmless.
 */
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

export const CHUNKS_DIR = 'bin-chunks';
/** The first line after the shebang of every launcher this writes; also how a second run recognises one. */
export const LAUNCHER_MARK = '// Launcher written by portico-bundle-bin';
const PACKAGE_INFO_CALL = 'readPackageInfo(import.meta.url)';
const BUILTINS = new Set(builtinModules);

/** Bundles the bins of the package in packageDir. Returns what was written, for the caller to report. */
export async function bundleBins(packageDir) {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const bins = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
  const entries = [...new Set(Object.values(bins))].map((file) => resolve(packageDir, file));
  if (entries.length === 0) throw new Error(`${pkg.name}: package.json has no "bin" to bundle.`);
  const outDir = dirname(entries[0]);
  const input = {};
  for (const entry of entries) {
    if (dirname(entry) !== outDir) throw new Error(`${pkg.name}: every bin must sit in one folder (${relative(packageDir, outDir)}).`);
    if (!existsSync(entry)) throw new Error(`${relative(packageDir, entry)} does not exist: run tsc first (the package's build script does).`);
    const source = readFileSync(entry, 'utf8');
    if (source.includes(LAUNCHER_MARK) || source.includes(`./${CHUNKS_DIR}/`)) {
      throw new Error(`${relative(packageDir, entry)} is already a bundle: run tsc first (the package's build script does).`);
    }
    input[`${basename(entry, '.js')}.bundle`] = entry;
  }

  const keepExternal = externalDependencies(packageDir, pkg);
  const unresolved = [];
  const evals = new Set();
  const build = await rolldown({
    input,
    cwd: packageDir,
    platform: 'node',
    external: (id) => id.startsWith('node:') || BUILTINS.has(id) || keepExternal.has(packageNameOf(id)),
    plugins: [packageInfoPlugin()],
    onLog(level, log, defaultHandler) {
      // An import nothing provides (e.g. an optional peer such as pg-native) stays a runtime import; it is
      // listed so a missing dependency is visible in the build log instead of failing at a user's launch.
      if (log.code === 'UNRESOLVED_IMPORT') {
        unresolved.push(log.message);
        return;
      }
      // Direct eval in a dependency (bottleneck reaches for optional Redis clients that way) is kept as it is;
      // one line per package instead of a screen of warnings.
      if (log.code === 'EVAL' && log.id?.includes(`${sep}node_modules${sep}`)) {
        evals.add(packageNameOf(log.id.slice(log.id.lastIndexOf(`${sep}node_modules${sep}`) + 14)));
        return;
      }
      defaultHandler(level, log);
    },
  });
  rmSync(join(outDir, CHUNKS_DIR), { recursive: true, force: true });
  const { output } = await build.write({
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: `${CHUNKS_DIR}/[name]-[hash].js`,
    sourcemap: true,
  });
  await build.close();
  for (const entry of entries) writeLauncher(entry);

  const bundled = new Set(output.flatMap((o) => (o.type === 'chunk' ? o.moduleIds : [])));
  const licences = thirdPartyLicences(bundled);
  writeFileSync(join(outDir, 'THIRD-PARTY-LICENSES.md'), licenceFile(pkg.name, licences));
  return {
    files: output.filter((o) => o.type === 'chunk').map((o) => ({ file: relative(packageDir, join(outDir, o.fileName)), bytes: o.code.length })),
    external: [...keepExternal],
    unresolved,
    evals: [...evals],
    packages: licences.map((l) => `${l.name}@${l.version}`),
  };
}

/**
 * Replaces tsc's bin with the launcher of its bundle. tsc's source map of the bin no longer describes anything,
 * so it goes; the bundle has its own.
 */
function writeLauncher(entry) {
  const bundle = `./${basename(entry, '.js')}.bundle.js`;
  const launcher = [
    '#!/usr/bin/env node',
    LAUNCHER_MARK,
    '// Node 22.1+ keeps V8\'s compiled code of the bundle between launches: in os.tmpdir()/node-compile-cache, or in',
    '// NODE_COMPILE_CACHE when set; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Older Node has no such API.',
    "import module from 'node:module';",
    'module.enableCompileCache?.();',
    `await import(${JSON.stringify(bundle)});`,
    '',
  ].join('\n');
  writeFileSync(entry, launcher);
  rmSync(`${entry}.map`, { force: true });
}

/**
 * Dependencies that load files from their own folder at run time, so they cannot be copied into the bundle
 * and stay in node_modules: native addons (a binding.gyp, e.g. better-sqlite3) and packages that ship
 * WebAssembly beside their code (e.g. libpg-query, which reads libpg-query.wasm next to its script).
 */
function externalDependencies(packageDir, pkg) {
  const names = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies });
  return new Set(names.filter((name) => loadsOwnFiles(join(packageDir, 'node_modules', name))));
}

function loadsOwnFiles(dependencyDir, depth = 0) {
  let entries;
  try {
    entries = readdirSync(dependencyDir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((entry) => {
    if (entry.name === 'binding.gyp' || entry.name.endsWith('.wasm')) return true;
    return depth < 2 && entry.isDirectory() && entry.name !== 'node_modules' && loadsOwnFiles(join(dependencyDir, entry.name), depth + 1);
  });
}

/** 'better-sqlite3/lib/x' → 'better-sqlite3', '@scope/pkg/x' → '@scope/pkg'; relative or absolute ids → ''. */
function packageNameOf(id) {
  if (id.startsWith('.') || id.startsWith('/') || id.startsWith('\0')) return '';
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function packageInfoPlugin() {
  return {
    name: 'portico-package-info',
    transform(code, id) {
      if (!code.includes(PACKAGE_INFO_CALL)) return null;
      const info = nearestPackageInfo(dirname(id));
      const literal = `(${JSON.stringify(info)})`;
      return { code: code.split(PACKAGE_INFO_CALL).join(literal), map: null };
    },
  };
}

function nearestPackageInfo(dir) {
  for (let current = dir; ; current = dirname(current)) {
    const file = join(current, 'package.json');
    if (existsSync(file)) {
      const { name, version, description } = JSON.parse(readFileSync(file, 'utf8'));
      if (name && version) return description === undefined ? { name, version } : { name, version, description };
    }
    if (dirname(current) === current) throw new Error(`no package.json with a name and version above ${dir}`);
  }
}

/** The packages (under node_modules) whose code was copied into the bundle, with their licence texts. */
function thirdPartyLicences(moduleIds) {
  const roots = new Map();
  for (const id of moduleIds) {
    const at = id.lastIndexOf(`${sep}node_modules${sep}`);
    if (at < 0) continue;
    const rest = id.slice(at + `${sep}node_modules${sep}`.length).split(sep);
    const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    roots.set(id.slice(0, at) + `${sep}node_modules${sep}` + name.split('/').join(sep), name);
  }
  return [...roots]
    .map(([root, name]) => {
      const meta = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      const file = readdirSync(root).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
      return { name, version: meta.version, licence: meta.license ?? 'see package', text: file ? readFileSync(join(root, file), 'utf8').trim() : '' };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function licenceFile(packageName, licences) {
  const sections = licences.map((l) => `## ${l.name} ${l.version} (${l.licence})\n\n${l.text ? '```\n' + l.text + '\n```' : '(no licence file in the package)'}\n`);
  return `# Third-party code in ${packageName}'s bundled bin\n\nThe bin is one bundled program (built by @portico/build); it contains code from these packages.\n\n${sections.join('\n')}`;
}

// Run as a command (the bin shim may reach this file through a node_modules symlink, hence realpath).
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.cwd();
  try {
    const started = performance.now();
    const result = await bundleBins(dir);
    const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(`bundled ${result.files.map((f) => `${f.file} (${kib(f.bytes)})`).join(', ')} in ${Math.round(performance.now() - started)} ms; ${result.packages.length} third-party packages inside${result.external.length ? `; left external (native or WebAssembly): ${result.external.join(', ')}` : ''}`);
    for (const message of result.unresolved) console.log(`left as a run-time import: ${message}`);
    if (result.evals.length) console.log(`direct eval kept as it is in: ${result.evals.join(', ')}`);
  } catch (error) {
    console.error(`portico-bundle-bin: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
