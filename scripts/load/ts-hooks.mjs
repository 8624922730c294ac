/**
 * Module hooks (node:module register) that load the TypeScript test fakes of servers/github and
 * servers/slack (src/testing/*.ts, excluded from the servers' builds) straight from source, so the plain-Node
 * load, soak and conformance scripts drive the same fakes as the vitest suites. Types are stripped with the
 * repository's own TypeScript (transpileModule: no type check, no bundling); imports resolve from the .ts
 * file's own package, as in the suites.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(fileURLToPath(url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}

/** `./x.js` written in a .ts file means the sibling `./x.ts` (TypeScript's NodeNext convention). */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (context.parentURL?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
      return nextResolve(specifier.slice(0, -3) + '.ts', context);
    }
    throw error;
  }
}
