/**
 * The escape corpus: every known way out of the sandbox, table-driven, against real files. Each case must
 * fail with the expected ToolError AND leave the whole test tree (inside and outside the roots) exactly as it
 * was, AND say nothing about what lies outside (no canary bytes, no outside file names in the message).
 * Ends with a symlink-swap race under load.
 */
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../errors.js';
import { copyPath, makeDirectory, movePath, openForRead, removePath, writeFileAtomic } from './io.js';
import { deepestContaining, lexicalAbsolute } from './paths.js';
import { PathSandbox } from './sandbox.js';
import type { AccessIntent } from './types.js';

const CANARY = `OUTSIDE-CANARY-${Math.random().toString(36).slice(2)}`;
const OUTSIDE_MARKER = 'zz-outside-marker-7f3a';
const EVIL_MARKER = 'zz-evil-marker-91c2';

type Operation =
  | { op: 'read'; input: string }
  | { op: 'resolve'; input: string; intent: AccessIntent }
  | { op: 'write'; input: string; overwrite?: boolean }
  | { op: 'mkdir'; input: string; recursive?: boolean }
  | { op: 'move'; from: string; to: string; overwrite?: boolean }
  | { op: 'copy'; from: string; to: string; overwrite?: boolean }
  | { op: 'remove'; input: string; recursive?: boolean };

interface EscapeCase {
  name: string;
  attempt: Operation;
  code: string;
  /** Client roots (paths or raw URIs) to narrow the operator sandbox with first. */
  clientRoots?: string[];
}

// Placeholders, replaced once the temp tree exists: @BASE (parent of everything), @A (the writable root),
// @RO (a read-only root), @OUT (outside, with the canary), @EVIL (sibling sharing @A's prefix).
const corpus: EscapeCase[] = [
  // --- ../ traversal, many spellings
  { name: 'dotdot to outside file', attempt: { op: 'read', input: '../outside/canary.txt' }, code: 'outside_sandbox' },
  { name: 'dotdot to /etc/passwd', attempt: { op: 'read', input: '../../../../../../../../etc/passwd' }, code: 'outside_sandbox' },
  { name: 'down then up twice', attempt: { op: 'read', input: 'sub/../../outside/canary.txt' }, code: 'outside_sandbox' },
  { name: './ prefix then dotdot', attempt: { op: 'read', input: './../outside/canary.txt' }, code: 'outside_sandbox' },
  { name: './ mixed in the middle', attempt: { op: 'read', input: 'sub/./.././../outside/./canary.txt' }, code: 'outside_sandbox' },
  { name: 'trailing slash', attempt: { op: 'read', input: '../outside/canary.txt/' }, code: 'outside_sandbox' },
  { name: 'doubled slashes', attempt: { op: 'read', input: '..//outside//canary.txt' }, code: 'outside_sandbox' },
  { name: 'out and back out', attempt: { op: 'read', input: '../allowed/../outside/canary.txt' }, code: 'outside_sandbox' },
  { name: 'parent directory listing', attempt: { op: 'resolve', input: '..', intent: 'read' }, code: 'outside_sandbox' },
  { name: 'parent directory with slash', attempt: { op: 'resolve', input: '../', intent: 'read' }, code: 'outside_sandbox' },
  { name: 'parent via sub/../..', attempt: { op: 'resolve', input: 'sub/../..', intent: 'read' }, code: 'outside_sandbox' },
  { name: 'fifty dotdots', attempt: { op: 'read', input: `${'../'.repeat(50)}etc/passwd` }, code: 'outside_sandbox' },
  { name: 'percent-encoded dots are a literal name', attempt: { op: 'read', input: '%2e%2e/outside/canary.txt' }, code: 'not_found' },
  { name: 'percent-encoded slash is a literal name', attempt: { op: 'read', input: '..%2foutside%2fcanary.txt' }, code: 'not_found' },
  { name: 'four dots are a name', attempt: { op: 'read', input: '....//outside/canary.txt' }, code: 'not_found' },
  { name: 'three dots are a name', attempt: { op: 'read', input: '.../outside/canary.txt' }, code: 'not_found' },
  { name: 'backslash dotdot is a literal name on POSIX', attempt: { op: 'read', input: '..\\outside\\canary.txt' }, code: 'not_found' },
  { name: 'unicode fullwidth dots are a name', attempt: { op: 'read', input: '\uff0e\uff0e/outside/canary.txt' }, code: 'not_found' },
  { name: 'write through dotdot', attempt: { op: 'write', input: '../outside/new.txt' }, code: 'outside_sandbox' },
  { name: 'mkdir through dotdot', attempt: { op: 'mkdir', input: 'sub/../../outside/newdir', recursive: true }, code: 'outside_sandbox' },

  // --- absolute paths outside
  { name: 'absolute /etc/passwd', attempt: { op: 'read', input: '/etc/passwd' }, code: 'outside_sandbox' },
  { name: 'absolute canary', attempt: { op: 'read', input: '@OUT/canary.txt' }, code: 'outside_sandbox' },
  { name: 'filesystem root listing', attempt: { op: 'resolve', input: '/', intent: 'read' }, code: 'outside_sandbox' },
  { name: 'parent of the root, absolute', attempt: { op: 'resolve', input: '@BASE', intent: 'read' }, code: 'outside_sandbox' },
  { name: 'absolute with dotdot', attempt: { op: 'read', input: '@A/../outside/canary.txt' }, code: 'outside_sandbox' },
  { name: 'absolute down then up', attempt: { op: 'read', input: '@A/sub/../../outside/canary.txt' }, code: 'outside_sandbox' },
  { name: 'double leading slash', attempt: { op: 'read', input: '//etc/passwd' }, code: 'outside_sandbox' },
  { name: 'absolute write outside', attempt: { op: 'write', input: '@OUT/written.txt' }, code: 'outside_sandbox' },

  // --- sibling directories sharing the root's prefix
  { name: 'sibling prefix read', attempt: { op: 'read', input: '@A-evil/canary.txt' }, code: 'outside_sandbox' },
  { name: 'sibling prefix relative', attempt: { op: 'read', input: '../allowed-evil/canary.txt' }, code: 'outside_sandbox' },
  { name: 'sibling prefix listing', attempt: { op: 'resolve', input: '@A-evil', intent: 'read' }, code: 'outside_sandbox' },
  { name: 'sibling prefix write', attempt: { op: 'write', input: '@A-evil/new.txt' }, code: 'outside_sandbox' },
  { name: 'sibling prefix without separator', attempt: { op: 'write', input: '@Aevil.txt' }, code: 'outside_sandbox' },

  // --- symlinks out: file, dir, parent, chains, loops
  { name: 'relative file symlink out', attempt: { op: 'read', input: 'link-file' }, code: 'outside_sandbox' },
  { name: 'absolute file symlink out', attempt: { op: 'read', input: 'link-file-abs' }, code: 'outside_sandbox' },
  { name: 'dir symlink out, file below', attempt: { op: 'read', input: 'link-dir/canary.txt' }, code: 'outside_sandbox' },
  { name: 'dir symlink out, listing', attempt: { op: 'resolve', input: 'link-dir', intent: 'read' }, code: 'outside_sandbox' },
  { name: 'dir symlink out, deeper file', attempt: { op: 'read', input: 'link-dir/secret-dir/deep.txt' }, code: 'outside_sandbox' },
  { name: 'parent symlink out', attempt: { op: 'read', input: 'sub/link-parent/canary.txt' }, code: 'outside_sandbox' },
  { name: 'write below dir symlink out', attempt: { op: 'write', input: 'link-dir/new.txt' }, code: 'outside_sandbox' },
  { name: 'write below parent symlink out', attempt: { op: 'write', input: 'sub/link-parent/new.txt' }, code: 'outside_sandbox' },
  { name: 'overwrite through file symlink out', attempt: { op: 'write', input: 'link-file' }, code: 'invalid_path' },
  { name: 'symlink chain out', attempt: { op: 'read', input: 'chain1' }, code: 'outside_sandbox' },
  { name: 'symlink chain out, write', attempt: { op: 'write', input: 'chain1' }, code: 'invalid_path' },
  { name: 'symlink loop read', attempt: { op: 'read', input: 'loop-a' }, code: 'invalid_path' },
  { name: 'self loop read', attempt: { op: 'read', input: 'self-loop' }, code: 'invalid_path' },
  { name: 'symlink loop as parent of write', attempt: { op: 'write', input: 'loop-a/x.txt' }, code: 'invalid_path' },
  { name: 'symlink to sibling prefix dir', attempt: { op: 'read', input: 'link-evil/canary.txt' }, code: 'outside_sandbox' },
  { name: 'symlink to base, then down', attempt: { op: 'read', input: 'link-root-parent/outside/canary.txt' }, code: 'outside_sandbox' },
  { name: 'symlink text with inner dotdots', attempt: { op: 'read', input: 'deep-out/canary.txt' }, code: 'outside_sandbox' },
  { name: 'symlink to /', attempt: { op: 'read', input: 'link-slash/etc/passwd' }, code: 'outside_sandbox' },
  { name: 'inside link into outside link', attempt: { op: 'read', input: 'to-sub/link-parent/canary.txt' }, code: 'outside_sandbox' },
  { name: 'mkdir below dir symlink out', attempt: { op: 'mkdir', input: 'link-dir/newdir' }, code: 'outside_sandbox' },
  { name: 'mkdir -p below parent symlink out', attempt: { op: 'mkdir', input: 'sub/link-parent/a/b', recursive: true }, code: 'outside_sandbox' },
  { name: 'copy into dir symlink out', attempt: { op: 'copy', from: 'file.txt', to: 'link-dir/copied.txt' }, code: 'outside_sandbox' },
  { name: 'copy from file symlink out', attempt: { op: 'copy', from: 'link-file', to: 'stolen.txt' }, code: 'outside_sandbox' },
  { name: 'copy from outside, absolute', attempt: { op: 'copy', from: '@OUT/canary.txt', to: 'stolen.txt' }, code: 'outside_sandbox' },
  { name: 'move into dir symlink out', attempt: { op: 'move', from: 'file.txt', to: 'link-dir/moved.txt' }, code: 'outside_sandbox' },
  { name: 'move out of dir symlink out', attempt: { op: 'move', from: 'link-dir/canary.txt', to: 'here.txt' }, code: 'outside_sandbox' },
  { name: 'move from outside, relative', attempt: { op: 'move', from: '../outside/canary.txt', to: 'stolen.txt' }, code: 'outside_sandbox' },
  { name: 'remove below dir symlink out', attempt: { op: 'remove', input: 'link-dir/canary.txt' }, code: 'outside_sandbox' },
  { name: 'remove below parent symlink out', attempt: { op: 'remove', input: 'sub/link-parent/secret-dir', recursive: true }, code: 'outside_sandbox' },
  { name: 'remove outside, relative', attempt: { op: 'remove', input: '../outside', recursive: true }, code: 'outside_sandbox' },

  // --- dangling symlinks must not be written through
  { name: 'write through dangling link to outside', attempt: { op: 'write', input: 'dangling-out' }, code: 'invalid_path' },
  { name: 'create-resolve through dangling link to outside', attempt: { op: 'resolve', input: 'dangling-out', intent: 'create' }, code: 'outside_sandbox' },
  { name: 'mkdir through dangling link to outside', attempt: { op: 'mkdir', input: 'dangling-out' }, code: 'outside_sandbox' },
  { name: 'copy onto dangling link to outside', attempt: { op: 'copy', from: 'file.txt', to: 'dangling-out', overwrite: true }, code: 'invalid_path' },
  { name: 'write through dangling link inside', attempt: { op: 'write', input: 'dangling-in' }, code: 'invalid_path' },
  { name: 'mkdir through dangling link inside', attempt: { op: 'mkdir', input: 'dangling-in' }, code: 'invalid_path' },

  // --- NUL bytes, very long paths, empty input
  { name: 'NUL then traversal', attempt: { op: 'read', input: 'file.txt\0../../outside/canary.txt' }, code: 'invalid_path' },
  { name: 'NUL alone', attempt: { op: 'read', input: '\0' }, code: 'invalid_path' },
  { name: 'NUL in a new name', attempt: { op: 'write', input: 'new\0.txt' }, code: 'invalid_path' },
  { name: 'path over 4096 characters', attempt: { op: 'read', input: 'a/'.repeat(2100) }, code: 'invalid_path' },
  { name: 'name over 255 characters', attempt: { op: 'write', input: `${'n'.repeat(300)}.txt` }, code: 'invalid_path' },
  { name: 'very long traversal', attempt: { op: 'read', input: `${'../'.repeat(2000)}etc/passwd` }, code: 'invalid_path' },
  { name: 'empty path', attempt: { op: 'read', input: '' }, code: 'invalid_path' },
  { name: 'blank path', attempt: { op: 'write', input: '   ' }, code: 'invalid_path' },

  // --- ~ expansion
  { name: 'tilde then dotdot', attempt: { op: 'read', input: '~/../../etc/passwd' }, code: 'outside_sandbox' },
  { name: 'tilde home listing', attempt: { op: 'resolve', input: '~', intent: 'read' }, code: 'outside_sandbox' },
  { name: 'tilde write', attempt: { op: 'write', input: '~/portico-escape.txt' }, code: 'outside_sandbox' },

  // --- read-only roots
  { name: 'overwrite in read-only root', attempt: { op: 'write', input: '@RO/file.txt' }, code: 'read_only' },
  { name: 'create in read-only root', attempt: { op: 'write', input: '@RO/new.txt' }, code: 'read_only' },
  { name: 'mkdir in read-only root', attempt: { op: 'mkdir', input: '@RO/newdir' }, code: 'read_only' },
  { name: 'move out of read-only root', attempt: { op: 'move', from: '@RO/file.txt', to: 'taken.txt' }, code: 'read_only' },
  { name: 'move into read-only root', attempt: { op: 'move', from: 'file.txt', to: '@RO/dropped.txt' }, code: 'read_only' },
  { name: 'copy into read-only root', attempt: { op: 'copy', from: 'file.txt', to: '@RO/copy.txt' }, code: 'read_only' },
  { name: 'remove in read-only root', attempt: { op: 'remove', input: '@RO/file.txt' }, code: 'read_only' },
  { name: 'write into read-only root via inside symlink', attempt: { op: 'write', input: 'link-ro/new.txt' }, code: 'read_only' },

  // --- roots themselves
  { name: 'remove the root', attempt: { op: 'remove', input: '@A', recursive: true }, code: 'invalid_path' },
  { name: 'remove the root as "."', attempt: { op: 'remove', input: '.', recursive: true }, code: 'invalid_path' },
  { name: 'remove the root with trailing slash', attempt: { op: 'remove', input: '@A/', recursive: true }, code: 'invalid_path' },
  { name: 'move the root away', attempt: { op: 'move', from: '@A', to: '@A/inside' }, code: 'invalid_path' },

  // --- client roots trying to widen the operator's directories
  { name: 'client root above operator root', clientRoots: ['@BASE'], attempt: { op: 'read', input: '@OUT/canary.txt' }, code: 'outside_sandbox' },
  { name: 'client root disjoint', clientRoots: ['@OUT'], attempt: { op: 'read', input: '@OUT/canary.txt' }, code: 'outside_sandbox' },
  { name: 'client root disjoint, write', clientRoots: ['@OUT'], attempt: { op: 'write', input: '@OUT/new.txt' }, code: 'outside_sandbox' },
  { name: 'client root non-file URI', clientRoots: ['https://example.com/'], attempt: { op: 'read', input: 'file.txt' }, code: 'outside_sandbox' },
  { name: 'client root via symlink pointing outside', clientRoots: ['@A/link-dir'], attempt: { op: 'read', input: '@A/link-dir/canary.txt' }, code: 'outside_sandbox' },
  { name: 'client root narrower, read its sibling', clientRoots: ['@A/sub'], attempt: { op: 'read', input: '@A/file.txt' }, code: 'outside_sandbox' },
  { name: 'client root sibling prefix', clientRoots: ['@A-evil'], attempt: { op: 'read', input: '@A-evil/canary.txt' }, code: 'outside_sandbox' },
  { name: 'client root URI with dotdot', clientRoots: ['file://@A/../outside'], attempt: { op: 'read', input: '@OUT/canary.txt' }, code: 'outside_sandbox' },
  { name: 'client root URI with encoded slashes', clientRoots: ['file://@A%2F..%2Foutside'], attempt: { op: 'read', input: '@OUT/canary.txt' }, code: 'outside_sandbox' },
  { name: 'client root URI with a remote host', clientRoots: ['file://evil.example@OUT'], attempt: { op: 'read', input: '@OUT/canary.txt' }, code: 'outside_sandbox' },
  { name: 'client root inside read-only root stays read-only', clientRoots: ['@RO'], attempt: { op: 'write', input: '@RO/new.txt' }, code: 'read_only' },
];

interface Win32Case {
  name: string;
  input: string;
  code: 'invalid_path' | 'outside_sandbox';
}

// Windows forms, judged by the same pure functions the sandbox's lexical step uses, with path.win32.
const WIN_ROOTS = ['C:\\work\\allowed', '\\\\fileserver\\share\\allowed'];
const WIN_HOME = 'C:\\Users\\someone';
const win32Corpus: Win32Case[] = [
  { name: 'dotdot out of the root', input: 'C:\\work\\allowed\\..\\secret.txt', code: 'outside_sandbox' },
  { name: 'dotdot above the drive root', input: 'C:\\..\\..\\work\\secret', code: 'outside_sandbox' },
  { name: 'relative dotdot', input: '..\\..\\Windows\\System32\\config\\SAM', code: 'outside_sandbox' },
  { name: 'parent of the root', input: 'C:\\work\\allowed\\..', code: 'outside_sandbox' },
  { name: 'mixed separators', input: 'C:/work/allowed\\../secret', code: 'outside_sandbox' },
  { name: 'forward slashes only', input: 'C:/work/allowed/../../secret', code: 'outside_sandbox' },
  { name: 'case-different sibling prefix', input: 'c:\\WORK\\Allowed-EVIL\\x', code: 'outside_sandbox' },
  { name: 'another drive, same path', input: 'D:\\work\\allowed\\x', code: 'outside_sandbox' },
  { name: 'UNC server share outside', input: '\\\\server\\share\\x', code: 'outside_sandbox' },
  { name: 'UNC with forward slashes', input: '//server/share/x', code: 'outside_sandbox' },
  { name: 'UNC root dotdot out', input: '\\\\fileserver\\share\\allowed\\..\\other', code: 'outside_sandbox' },
  { name: 'tilde then dotdot', input: '~\\..\\..\\secret', code: 'outside_sandbox' },
  { name: 'drive-relative', input: 'C:foo', code: 'invalid_path' },
  { name: 'drive-relative with dotdot', input: 'C:..\\..\\secret', code: 'invalid_path' },
  { name: 'bare drive', input: 'C:', code: 'invalid_path' },
  { name: 'rooted without drive', input: '\\work\\allowed\\x', code: 'invalid_path' },
  { name: 'extended-length device path', input: '\\\\?\\C:\\work\\allowed\\x', code: 'invalid_path' },
  { name: 'extended-length with slashes', input: '//?/C:/work/allowed/x', code: 'invalid_path' },
  { name: 'device namespace pipe', input: '\\\\.\\pipe\\x', code: 'invalid_path' },
  { name: 'device namespace physical drive', input: '\\\\.\\PhysicalDrive0', code: 'invalid_path' },
  { name: 'NT object namespace', input: '\\??\\C:\\work\\allowed', code: 'invalid_path' },
  { name: 'device UNC', input: '\\\\?\\UNC\\fileserver\\share\\allowed\\x', code: 'invalid_path' },
  { name: 'dotdot with trailing space', input: 'C:\\work\\allowed\\.. \\secret', code: 'invalid_path' },
  { name: 'dotdot with trailing dot', input: 'C:\\work\\allowed\\...\\secret', code: 'invalid_path' },
  { name: 'alternate data stream', input: 'C:\\work\\allowed\\file.txt:hidden', code: 'invalid_path' },
  { name: 'reserved device name', input: 'C:\\work\\allowed\\CON', code: 'invalid_path' },
  { name: 'reserved device name with extension', input: 'C:\\work\\allowed\\nul.txt', code: 'invalid_path' },
  { name: 'NUL byte', input: 'C:\\work\\allowed\\a\0\\..\\..\\x', code: 'invalid_path' },
];

/** What the sandbox's lexical step decides for a win32 input: throws, or says whether a root holds it. */
function win32Attempt(input: string): void {
  const lexical = lexicalAbsolute(input, WIN_ROOTS[0] as string, { home: WIN_HOME, pathImpl: path.win32 });
  if (deepestContaining(WIN_ROOTS, lexical, path.win32) < 0) throw new ToolError('outside', { code: 'outside_sandbox' });
}

// ------------------------------------------------------------------------------------------------ fixture

let tmp: TempDir;
let base: string;
let allowed: string;
let readOnlyRoot: string;
let outsideDir: string;
let evilDir: string;
let sandbox: PathSandbox;

function fill(text: string): string {
  return text.replaceAll('@BASE', base).replaceAll('@RO', readOnlyRoot).replaceAll('@OUT', outsideDir).replaceAll('@A', allowed);
}

function clientRootUri(spec: string): string {
  const filled = fill(spec);
  return filled.includes('://') ? filled : pathToFileURL(filled).href;
}

/** Everything under dir: type, size, mtime, content or link target, so any change anywhere is caught. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (current: string): Promise<void> => {
    for (const name of (await readdir(current)).sort()) {
      const full = path.join(current, name);
      const rel = path.relative(dir, full);
      const stats = await lstat(full);
      if (stats.isSymbolicLink()) out[rel] = `link -> ${await readlink(full)}`;
      else if (stats.isDirectory()) {
        out[rel] = `dir mtime=${stats.mtimeMs}`;
        await walk(full);
      } else out[rel] = `file mode=${stats.mode} mtime=${stats.mtimeMs} ${await readFile(full, 'utf8')}`;
    }
  };
  await walk(dir);
  return out;
}

async function perform(target: PathSandbox, attempt: Operation): Promise<unknown> {
  switch (attempt.op) {
    case 'read': {
      const { handle } = await openForRead(target, fill(attempt.input));
      try {
        return await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    }
    case 'resolve':
      return target.resolve(fill(attempt.input), attempt.intent);
    case 'write':
      return writeFileAtomic(target, fill(attempt.input), 'ESCAPED', { overwrite: attempt.overwrite ?? true });
    case 'mkdir':
      return makeDirectory(target, fill(attempt.input), { recursive: attempt.recursive ?? false });
    case 'move':
      return movePath(target, fill(attempt.from), fill(attempt.to), { overwrite: attempt.overwrite ?? false });
    case 'copy':
      return copyPath(target, fill(attempt.from), fill(attempt.to), { overwrite: attempt.overwrite ?? false });
    case 'remove':
      return removePath(target, fill(attempt.input), { recursive: attempt.recursive ?? false });
  }
}

beforeAll(async () => {
  tmp = await makeTempDir('portico-escape-');
  base = tmp.path;
  allowed = path.join(base, 'allowed');
  readOnlyRoot = path.join(base, 'ro');
  outsideDir = path.join(base, 'outside');
  evilDir = path.join(base, 'allowed-evil');
  await mkdir(path.join(allowed, 'sub'), { recursive: true });
  await mkdir(path.join(outsideDir, 'secret-dir'), { recursive: true });
  await mkdir(evilDir);
  await mkdir(readOnlyRoot);
  await writeFile(path.join(outsideDir, 'canary.txt'), CANARY);
  await writeFile(path.join(outsideDir, 'secret-dir', 'deep.txt'), CANARY);
  await writeFile(path.join(outsideDir, OUTSIDE_MARKER), CANARY);
  await writeFile(path.join(evilDir, 'canary.txt'), CANARY);
  await writeFile(path.join(evilDir, EVIL_MARKER), CANARY);
  await writeFile(path.join(allowed, 'file.txt'), 'inside');
  await writeFile(path.join(allowed, 'sub', 'inner.txt'), 'inner');
  await writeFile(path.join(readOnlyRoot, 'file.txt'), 'read-only');

  const links: [string, string][] = [
    ['../outside/canary.txt', 'link-file'],
    [path.join(outsideDir, 'canary.txt'), 'link-file-abs'],
    [outsideDir, 'link-dir'],
    ['../../outside', 'sub/link-parent'],
    ['chain2', 'chain1'],
    ['chain3', 'chain2'],
    [path.join(outsideDir, 'canary.txt'), 'chain3'],
    ['loop-b', 'loop-a'],
    ['loop-a', 'loop-b'],
    ['self-loop', 'self-loop'],
    [path.join(outsideDir, 'never-created.txt'), 'dangling-out'],
    [path.join(allowed, 'missing-target.txt'), 'dangling-in'],
    ['../allowed-evil', 'link-evil'],
    ['..', 'link-root-parent'],
    ['sub/../../outside', 'deep-out'],
    ['/', 'link-slash'],
    ['sub', 'to-sub'],
    [readOnlyRoot, 'link-ro'],
  ];
  for (const [target, name] of links) await symlink(target, path.join(allowed, name));
  sandbox = await PathSandbox.create([allowed, { path: readOnlyRoot, readOnly: true }]);
});

afterAll(async () => {
  await tmp.cleanup();
});

// ------------------------------------------------------------------------------------------------ tests

describe('escape corpus', () => {
  const escapes: string[] = [];

  it('has at least 60 distinct attempts', () => {
    const total = corpus.length + win32Corpus.length;
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    expect(new Set(win32Corpus.map((c) => c.name)).size).toBe(win32Corpus.length);
    expect(total).toBeGreaterThanOrEqual(60);
    console.log(`escape corpus: ${corpus.length} real-file cases + ${win32Corpus.length} win32 cases = ${total} (+1 swap race)`);
  });

  it.each(corpus)('$name → $code, nothing touched', async ({ attempt, code, clientRoots }) => {
    const before = await snapshot(base);
    const target = clientRoots ? await sandbox.narrow(clientRoots.map((r) => ({ uri: clientRootUri(r) }))) : sandbox;
    let outcome: unknown;
    let error: unknown;
    try {
      outcome = await perform(target, attempt);
    } catch (e) {
      error = e;
    }
    if (error === undefined) escapes.push(`${attempt.op}: ${JSON.stringify(outcome)}`);
    expect(error, `expected a refusal, got ${JSON.stringify(outcome)}`).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe(code);
    const text = (error as ToolError).toModelText();
    expect(text).not.toContain(CANARY);
    // Names that exist only outside may appear in a refusal only if the attempt itself spelled them.
    const spelled = JSON.stringify(attempt);
    for (const outsideName of [OUTSIDE_MARKER, EVIL_MARKER, 'secret-dir', 'deep.txt', 'never-created.txt']) {
      if (!spelled.includes(outsideName)) expect(text).not.toContain(outsideName);
    }
    expect(await snapshot(base)).toEqual(before);
  });

  it.each(win32Corpus)('win32: $name → $code', ({ input, code }) => {
    let error: unknown;
    try {
      win32Attempt(input);
    } catch (e) {
      error = e;
    }
    if (error === undefined) escapes.push(`win32: ${input}`);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe(code);
  });

  it('win32 control: case-insensitive and mixed-separator paths inside the roots are accepted', () => {
    for (const input of ['c:\\WORK\\ALLOWED\\x.txt', 'C:/work/allowed/sub/x.txt', 'sub\\x.txt', '\\\\FILESERVER\\share\\allowed\\x']) {
      expect(() => win32Attempt(input)).not.toThrow();
    }
  });

  it('control: the same fixture allows legitimate access (the corpus is not vacuous)', async () => {
    const { handle } = await openForRead(sandbox, 'to-sub/inner.txt');
    expect(await handle.readFile('utf8')).toBe('inner');
    await handle.close();
    const { handle: roHandle } = await openForRead(sandbox, 'link-ro/file.txt');
    expect(await roHandle.readFile('utf8')).toBe('read-only');
    await roHandle.close();
    const narrowed = await sandbox.narrow([{ uri: pathToFileURL(path.join(allowed, 'sub')).href }]);
    await expect(narrowed.resolve('inner.txt', 'read')).resolves.toMatchObject({ path: path.join(allowed, 'sub', 'inner.txt') });
  });

  it('zero escapes in the corpus', () => {
    expect(escapes).toEqual([]);
  });
});

describe('symlink-swap race under load', () => {
  it('never writes outside and never returns outside bytes while a directory flips to a symlink', async () => {
    const raceRoot = path.join(base, 'race-root');
    const raceOutside = path.join(base, 'race-outside');
    const swapped = path.join(raceRoot, 'sw');
    const parked = path.join(raceRoot, 'sw-parked');
    await mkdir(swapped, { recursive: true });
    await mkdir(raceOutside);
    await writeFile(path.join(swapped, 'f.txt'), 'INSIDE');
    await writeFile(path.join(raceOutside, 'f.txt'), CANARY);
    const raceSandbox = await PathSandbox.create([raceRoot]);
    const outsideBefore = await snapshot(raceOutside);

    const SWAPS = 300;
    const MAX_ATTEMPTS_PER_WORKER = 5000;
    let done = false;
    const tally = { reads: 0, writes: 0, copies: 0, refused: 0, leakedBytes: 0 };
    const refusedByCode = new Map<string, number>();
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const unexpected: unknown[] = [];

    const swapper = async (): Promise<void> => {
      try {
        for (let i = 0; i < SWAPS; i++) {
          // Hold each state for a varying moment so operations start in one state and finish in another.
          await rename(swapped, parked);
          await symlink(raceOutside, swapped);
          await (i % 2 === 0 ? pause(1) : new Promise((r) => setImmediate(r)));
          await unlink(swapped);
          await rename(parked, swapped);
          await (i % 3 === 0 ? new Promise((r) => setImmediate(r)) : pause(1 + (i % 2)));
        }
      } finally {
        done = true;
      }
    };

    const worker = async (id: number): Promise<void> => {
      for (let n = 0; n < MAX_ATTEMPTS_PER_WORKER && !done; n++) {
        try {
          switch (n % 3) {
            case 0: {
              await writeFileAtomic(raceSandbox, `sw/w-${id}-${n}.txt`, 'RACE');
              tally.writes++;
              break;
            }
            case 1: {
              const { handle } = await openForRead(raceSandbox, 'sw/f.txt');
              try {
                const text = await handle.readFile('utf8');
                if (text.includes(CANARY)) tally.leakedBytes += text.length;
              } finally {
                await handle.close();
              }
              tally.reads++;
              break;
            }
            default: {
              await copyPath(raceSandbox, 'sw/f.txt', `copy-${id}-${n}.txt`);
              if ((await readFile(path.join(raceRoot, `copy-${id}-${n}.txt`), 'utf8')).includes(CANARY)) tally.leakedBytes++;
              tally.copies++;
            }
          }
        } catch (error) {
          if (error instanceof ToolError) {
            tally.refused++;
            refusedByCode.set(error.code, (refusedByCode.get(error.code) ?? 0) + 1);
          } else unexpected.push(error);
        }
      }
    };

    await Promise.all([swapper(), worker(1), worker(2), worker(3), worker(4)]);
    console.log(`swap race: ${SWAPS} swaps; ${tally.reads} reads, ${tally.writes} writes, ${tally.copies} copies succeeded; ${tally.refused} refused (${JSON.stringify(Object.fromEntries(refusedByCode))}); outside bytes returned: ${tally.leakedBytes}`);

    expect(unexpected).toEqual([]);
    expect(tally.leakedBytes).toBe(0);
    expect(await snapshot(raceOutside)).toEqual(outsideBefore);
    await rm(raceRoot, { recursive: true, force: true });
  });

  it('recursive removal and mkdir -p never reach outside while a subdirectory flips to a symlink', async () => {
    const raceRoot = path.join(base, 'remove-race-root');
    const raceOutside = path.join(base, 'remove-race-outside');
    await mkdir(raceRoot);
    await mkdir(path.join(raceOutside, 'nested'), { recursive: true });
    await writeFile(path.join(raceOutside, 'keep.txt'), CANARY);
    await writeFile(path.join(raceOutside, 'nested', 'keep.txt'), CANARY);
    const raceSandbox = await PathSandbox.create([raceRoot]);
    const outsideBefore = await snapshot(raceOutside);
    const unexpected: unknown[] = [];
    let removed = 0;
    let refused = 0;

    const ROUNDS = 150;
    for (let i = 0; i < ROUNDS; i++) {
      const victim = path.join(raceRoot, `victim-${i}`);
      const flip = path.join(victim, 'flip');
      await mkdir(path.join(flip, 'nested'), { recursive: true });
      await writeFile(path.join(flip, 'keep.txt'), 'inside');
      await writeFile(path.join(flip, 'nested', 'keep.txt'), 'inside');
      const swap = async (): Promise<void> => {
        // Replace the real directory with a symlink to outside at some point during the removal.
        for (let k = 0; k < i % 4; k++) await new Promise((r) => setImmediate(r));
        await rename(flip, `${flip}-parked`).catch(() => undefined);
        await symlink(raceOutside, flip).catch(() => undefined);
      };
      const work = async (): Promise<void> => {
        try {
          if (i % 2 === 0) await removePath(raceSandbox, `victim-${i}`, { recursive: true });
          else await makeDirectory(raceSandbox, `victim-${i}/flip/nested/made-${i}`, { recursive: true });
          removed++;
        } catch (error) {
          if (error instanceof ToolError) refused++;
          else unexpected.push(error);
        }
      };
      await Promise.all([swap(), work()]);
    }
    console.log(`removal race: ${ROUNDS} rounds; ${removed} operations completed, ${refused} refused`);
    expect(unexpected).toEqual([]);
    expect(await snapshot(raceOutside)).toEqual(outsideBefore);
    await rm(raceRoot, { recursive: true, force: true });
  });
});
