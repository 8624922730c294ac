import { closeSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathSandbox } from './sandbox.js';
import { makeTempDir, type TempDir } from '@portico/test-utils';
import { canOpenWalkedFilesSync, openWalkedFile, openWalkedFileSync } from './walked.js';

let dir: TempDir;
let outside: TempDir;
let sandbox: PathSandbox;
beforeAll(async () => {
  dir = await makeTempDir('fs-open-');
  outside = await makeTempDir('fs-open-out-');
  await mkdir(join(dir.path, 'sub'));
  await writeFile(join(dir.path, 'sub/ok.txt'), 'ok');
  await writeFile(join(outside.path, 'secret.txt'), 'secret');
  await symlink(join(outside.path, 'secret.txt'), join(dir.path, 'sub/link.txt'));
  await symlink(outside.path, join(dir.path, 'dirlink'));
  sandbox = await PathSandbox.create([dir.path]);
});
afterAll(async () => {
  await dir.cleanup();
  await outside.cleanup();
});

describe('openWalkedFile', () => {
  it('opens a regular file found under the walk root', async () => {
    const opened = await openWalkedFile(sandbox, dir.path, join(dir.path, 'sub/ok.txt'));
    expect(opened?.stats.size).toBe(2);
    await opened?.handle.close();
  });

  it('refuses a final symlink, a path through a directory link, and anything outside the walk root', async () => {
    expect(await openWalkedFile(sandbox, dir.path, join(dir.path, 'sub/link.txt'))).toBeUndefined();
    expect(await openWalkedFile(sandbox, dir.path, join(dir.path, 'dirlink/secret.txt'))).toBeUndefined();
    expect(await openWalkedFile(sandbox, join(dir.path, 'sub'), join(outside.path, 'secret.txt'))).toBeUndefined();
  });

  it.runIf(canOpenWalkedFilesSync)('has a synchronous twin with the same checks', () => {
    const ok = openWalkedFileSync(sandbox, dir.path, join(dir.path, 'sub/ok.txt'));
    expect(ok?.size).toBe(2);
    if (ok) closeSync(ok.fd);
    expect(openWalkedFileSync(sandbox, dir.path, join(dir.path, 'sub/link.txt'))).toBeUndefined();
    expect(openWalkedFileSync(sandbox, dir.path, join(dir.path, 'dirlink/secret.txt'))).toBeUndefined();
    expect(openWalkedFileSync(sandbox, dir.path, join(outside.path, 'secret.txt'))).toBeUndefined();
  });
});
