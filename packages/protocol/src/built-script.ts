/**
 * Where a server's separately started script (a child process or worker thread entry, built by tsc into
 * dist/lib) is, seen from the module asking: beside it in dist/lib, from the bundled bin in dist/ or
 * dist/bin-chunks/ (see @portico/build), or from src/lib in in-process tests, which use the built copy because
 * Node cannot start a .ts file. Throws, saying to build, when it is nowhere.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function builtScriptPath(fromUrl: string | URL, file: string, packageName: string): string {
  const candidates = [`./${file}`, `./lib/${file}`, `../lib/${file}`, `../../dist/lib/${file}`].map((relativePath) => fileURLToPath(new URL(relativePath, fromUrl)));
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(`${file} not found at ${candidates.join(' or ')}: build the server first (pnpm --filter ${packageName} build).`);
}
