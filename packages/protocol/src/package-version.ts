/** Reads name and version from the package.json nearest to a module, so no version is ever a literal. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
  description?: string;
}

export function readPackageInfo(moduleUrl: string): PackageInfo {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (let i = 0; i < 10; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageInfo;
      if (pkg.name && pkg.version) return pkg;
    } catch {
      // not here; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`no package.json with a name and version above ${moduleUrl}`);
}

/** The version of @portico/protocol itself. */
export const protocolPackage: PackageInfo = readPackageInfo(import.meta.url);
