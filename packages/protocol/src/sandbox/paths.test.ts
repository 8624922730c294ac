import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../errors.js';
import { deepestContaining, expandHome, fileUriToPath, isPathInside, lexicalAbsolute, trimTrailingSeparators, validateRawPath } from './paths.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return (error as ToolError).code;
  }
}

describe('isPathInside (posix)', () => {
  const p = path.posix;
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/b/', true],
    ['/a/b/', '/a/b/c', true],
    ['/a/b', '/a/b/c/d.txt', true],
    ['/a/b', '/a/bc', false],
    ['/a/b', '/a/b-evil/x', false],
    ['/a/b', '/a', false],
    ['/a/b', '/a/b/../c', false],
    ['/a/b', '/a/b/./c/../d', true],
    ['/a/b', '/A/B/c', false],
    ['/', '/anything', true],
    ['/a/b', 'a/b/c', false],
    ['a/b', '/a/b/c', false],
    ['/a/b', '/a/b/c\0', false],
    ['/a/b', '//a/b/c', true],
  ])('%s contains %s: %s', (root, candidate, expected) => {
    expect(isPathInside(root, candidate, p)).toBe(expected);
  });
});

describe('isPathInside (win32)', () => {
  const w = path.win32;
  it.each([
    ['C:\\work\\allowed', 'C:\\work\\allowed\\x.txt', true],
    ['C:\\work\\allowed', 'c:\\WORK\\Allowed\\x.txt', true],
    ['C:\\work\\allowed', 'C:/work/allowed/x.txt', true],
    ['C:\\work\\allowed', 'C:\\work\\allowed', true],
    ['C:\\work\\allowed\\', 'C:\\work\\allowed', true],
    ['C:\\work\\allowed', 'C:\\work\\allowed-evil\\x', false],
    ['C:\\work\\allowed', 'C:\\work\\allowedx', false],
    ['C:\\work\\allowed', 'C:\\work\\allowed\\..\\secret', false],
    ['C:\\work\\allowed', 'D:\\work\\allowed\\x', false],
    ['C:\\', 'C:\\anything', true],
    ['C:\\', 'D:\\anything', false],
    ['\\\\server\\share\\dir', '\\\\SERVER\\share\\dir\\x', true],
    ['\\\\server\\share\\dir', '\\\\server\\share\\dir2', false],
    ['\\\\server\\share\\dir', '\\\\other\\share\\dir\\x', false],
    ['C:\\work\\allowed', '\\work\\allowed\\x', false],
    ['C:\\work\\allowed', 'work\\allowed\\x', false],
  ])('%s contains %s: %s', (root, candidate, expected) => {
    expect(isPathInside(root, candidate, w)).toBe(expected);
  });
});

describe('validateRawPath', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['a\0b', 'NUL inside'],
    ['\0', 'NUL alone'],
    ['x'.repeat(4097), 'too long'],
    [`a/${'y'.repeat(256)}/b`, 'component too long'],
  ])('posix rejects %j (%s)', (input) => {
    expect(codeOf(() => validateRawPath(input, path.posix))).toBe('invalid_path');
  });

  it.each(['a/b.txt', '/abs/path', '../up', 'C:foo', 'name with spaces ', 'back\\slash', 'con', 'a:b', '~', 'x'.repeat(255)])(
    'posix accepts %j (the containment step judges it)',
    (input) => {
      expect(() => validateRawPath(input, path.posix)).not.toThrow();
    },
  );

  it.each([
    ['\\\\?\\C:\\work\\x', 'extended-length device path'],
    ['//?/C:/work/x', 'device path with slashes'],
    ['\\\\.\\pipe\\x', 'named pipe'],
    ['\\\\.\\C:\\x', 'device namespace drive'],
    ['\\??\\C:\\x', 'NT object path'],
    ['\\\\?\\UNC\\server\\share', 'device UNC'],
    ['C:foo', 'drive-relative'],
    ['C:', 'bare drive'],
    ['c:..\\x', 'drive-relative with dots'],
    ['\\work\\x', 'rooted without drive'],
    ['/work/x', 'rooted without drive (slash)'],
    ['C:\\work\\x.txt:stream', 'alternate data stream'],
    ['C:\\work\\CON', 'reserved name'],
    ['C:\\work\\nul.txt', 'reserved name with extension'],
    ['C:\\work\\COM1\\x', 'reserved name as directory'],
    ['C:\\work\\.. \\x', 'dot-dot with trailing space'],
    ['C:\\work\\...\\x', 'three dots'],
    ['C:\\work\\name.', 'trailing dot'],
    ['C:\\work\\a<b', 'forbidden character'],
    ['C:\\work\\a|b', 'pipe character'],
    ['C:\\work\\a\u0001b', 'control character'],
    ['C:\\work\\a\0b', 'NUL'],
  ])('win32 rejects %j (%s)', (input) => {
    expect(codeOf(() => validateRawPath(input, path.win32))).toBe('invalid_path');
  });

  it.each(['C:\\work\\a.txt', 'c:/work/a.txt', 'C:\\work/mixed\\seps', '\\\\server\\share\\x', 'relative\\x.txt', '..\\up', '.\\here', '~\\x'])(
    'win32 accepts %j',
    (input) => {
      expect(() => validateRawPath(input, path.win32)).not.toThrow();
    },
  );
});

describe('fileUriToPath', () => {
  it.each([
    ['file:///home/u/proj', '/home/u/proj'],
    ['file:///home/u/proj/', '/home/u/proj'],
    ['file://localhost/home/u/proj', '/home/u/proj'],
    ['file:///home/u/my%20proj', '/home/u/my proj'],
    ['file:///home/u/a/../b', '/home/u/b'],
  ])('posix %s -> %s', (uri, expected) => {
    expect(fileUriToPath(uri, path.posix)).toBe(expected);
  });

  it.each([
    'https://example.com/home',
    'http://localhost/x',
    'git://host/repo',
    'file://evil-host/home/u',
    'file:///home/u%2F..%2Fetc',
    'file:///home/u/%00x',
    'not a uri',
    '',
    '/plain/path',
  ])('posix ignores %j', (uri) => {
    expect(fileUriToPath(uri, path.posix)).toBeUndefined();
  });

  it.each([
    ['file:///C:/work/proj', 'C:\\work\\proj'],
    ['file:///c:/Work/My%20Proj/', 'c:\\Work\\My Proj'],
    ['file://server/share/dir', '\\\\server\\share\\dir'],
  ])('win32 %s -> %s', (uri, expected) => {
    expect(fileUriToPath(uri, path.win32)).toBe(expected);
  });

  it.each(['https://example.com/C:/x', 'file:///C:/work%5C..%5Cx', 'file:///C:/a%2Fb'])('win32 ignores %j', (uri) => {
    expect(fileUriToPath(uri, path.win32)).toBeUndefined();
  });
});

describe('expandHome and lexicalAbsolute', () => {
  it('expands ~ and ~/ but not ~user', () => {
    expect(expandHome('~', '/home/u', path.posix)).toBe('/home/u');
    expect(expandHome('~/x', '/home/u', path.posix)).toBe('/home/u/x');
    expect(expandHome('~root/x', '/home/u', path.posix)).toBe('~root/x');
    expect(expandHome('~\\x', 'C:\\Users\\u', path.win32)).toBe('C:\\Users\\u\\x');
    expect(expandHome('~\\x', '/home/u', path.posix)).toBe('~\\x');
    expect(codeOf(() => expandHome('~/x', undefined, path.posix))).toBe('invalid_path');
  });

  it('resolves relative input against the base and collapses dots', () => {
    expect(lexicalAbsolute('a/./b/../c', '/root/dir', { pathImpl: path.posix })).toBe('/root/dir/a/c');
    expect(lexicalAbsolute('/x/y/', '/root/dir', { pathImpl: path.posix })).toBe('/x/y');
    expect(lexicalAbsolute('../../..', '/root/dir', { pathImpl: path.posix })).toBe('/');
    expect(lexicalAbsolute('~/../x', '/root/dir', { pathImpl: path.posix, home: '/home/u' })).toBe('/home/x');
    expect(lexicalAbsolute('a\\b', 'C:\\work', { pathImpl: path.win32 })).toBe('C:\\work\\a\\b');
    expect(lexicalAbsolute('C:/work/a/../b', 'C:\\work', { pathImpl: path.win32 })).toBe('C:\\work\\b');
    expect(lexicalAbsolute('\\\\srv\\share\\x\\..\\y', 'C:\\work', { pathImpl: path.win32 })).toBe('\\\\srv\\share\\y');
  });

  it('trims trailing separators but keeps filesystem roots', () => {
    expect(trimTrailingSeparators('/a/b///', path.posix)).toBe('/a/b');
    expect(trimTrailingSeparators('/', path.posix)).toBe('/');
    expect(trimTrailingSeparators('C:\\', path.win32)).toBe('C:\\');
    expect(trimTrailingSeparators('C:\\x\\', path.win32)).toBe('C:\\x');
  });

  it('deepestContaining picks the longest containing prefix', () => {
    const roots = ['/a', '/a/b', '/a/bc', '/z'];
    expect(deepestContaining(roots, '/a/b/c', path.posix)).toBe(1);
    expect(deepestContaining(roots, '/a/bcd', path.posix)).toBe(0);
    expect(deepestContaining(roots, '/a/bc/d', path.posix)).toBe(2);
    expect(deepestContaining(roots, '/y', path.posix)).toBe(-1);
  });
});
