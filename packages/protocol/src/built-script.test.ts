import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { builtScriptPath } from './built-script.js';

let dir: TempDir | undefined;
afterAll(async () => dir?.cleanup());

describe('builtScriptPath', () => {
  it('finds the built script from dist/lib, the bundled bin in dist/ or dist/bin-chunks/, and src/lib; otherwise says to build', async () => {
    dir = await makeTempDir('built-script-');
    const pkg = dir.path;
    for (const d of ['dist/lib', 'dist/bin-chunks', 'src/lib']) mkdirSync(join(pkg, d), { recursive: true });
    const script = join(pkg, 'dist/lib/worker.js');
    writeFileSync(script, '');
    const from = (rel: string) => pathToFileURL(join(pkg, rel)).href;
    expect(builtScriptPath(from('dist/lib/pool.js'), 'worker.js', '@portico/x')).toBe(script);
    expect(builtScriptPath(from('dist/cli.bundle.js'), 'worker.js', '@portico/x')).toBe(script);
    expect(builtScriptPath(from('dist/bin-chunks/chunk.js'), 'worker.js', '@portico/x')).toBe(script);
    expect(builtScriptPath(from('src/lib/pool.ts'), 'worker.js', '@portico/x')).toBe(script);
    expect(() => builtScriptPath(from('src/lib/pool.ts'), 'missing.js', '@portico/x')).toThrow(/missing\.js not found .*pnpm --filter @portico\/x build/);
  });
});
