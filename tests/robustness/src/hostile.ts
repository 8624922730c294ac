/**
 * Strings a model steered by attacker text might send: traversal, absolute paths outside the sandbox,
 * NUL bytes, huge values, odd unicode, SQL fragments and option-like values. Absolute paths only ever point
 * into the test's own temp "outside" dir, so even a sandbox failure could not harm the machine.
 */
export interface HostileContext {
  /** Absolute path of the sandbox root (or repository / database file). */
  inside: string;
  /** Absolute path of a sibling directory with known content that must never change. */
  outside: string;
  /** A file inside `outside`. */
  outsideFile: string;
}

const KIB = 1024;

export function hostileStrings(ctx: HostileContext): string[] {
  const { inside, outside, outsideFile } = ctx;
  return [
    // traversal and absolute paths
    '../outside',
    '../outside/secret.txt',
    '../../../../../../../../..' + outsideFile,
    `${inside}/../outside/secret.txt`,
    outside,
    outsideFile,
    `${outside}/new-file.txt`,
    `${inside}-evil/x`,
    `${inside}/./.././outside`,
    '..',
    '.',
    '',
    '~',
    '~/secret.txt',
    'link-to-outside/secret.txt',
    'link-to-outside',
    `file://${outsideFile}`,
    '..\\outside\\secret.txt',
    'C:\\Windows\\win.ini',
    '\\\\server\\share\\x',
    // NUL and control bytes
    `a.txt\u0000../../outside/secret.txt`,
    `${outsideFile}\u0000.txt`,
    '\u0000',
    'line\r\nbreak',
    '\u001b[31mred\u001b[0m',
    // unicode
    '\u202Eexe.txt',
    'caf\u0065\u0301.txt',
    '\uD83D\uDE00\uD83D\uDE00',
    '\uD800',
    '\uFEFFbom',
    'ｆｕｌｌｗｉｄｔｈ／．．',
    // huge
    'a'.repeat(64 * KIB),
    'é'.repeat(300 * KIB),
    '../'.repeat(5000) + 'outside',
    // SQL fragments
    "'; DROP TABLE items; --",
    'SELECT 1; DROP TABLE items',
    `ATTACH DATABASE '${outsideFile}' AS o`,
    `VACUUM INTO '${outside}/copy.db'`,
    "SELECT load_extension('/nonexistent')",
    `COPY (SELECT 1) TO '${outside}/pwned'`,
    'WITH x AS (DELETE FROM items RETURNING *) SELECT * FROM x',
    'PRAGMA writable_schema = 1',
    'SELECT pg_sleep(30)',
    "SELECT pg_read_file('/etc/hostname')",
    'SELECT * FROM items WHERE name = $1',
    '?',
    // option-like values
    `--upload-pack=touch ${outside}/pwned`,
    `--output=${outside}/pwned`,
    `--exec=touch ${outside}/pwned`,
    '-c',
    '--',
    '-rf',
    `--git-dir=${outside}`,
    `--work-tree=${outside}`,
    'HEAD~999999',
    'refs/heads/../../outside',
    '@{-1}',
    // markup and format strings
    '<script>alert(1)</script>',
    '%s%s%s%n',
    '${process.exit(1)}',
    '{"__proto__":{"polluted":true}}',
    '__proto__',
    'constructor',
  ];
}
