/**
 * A fingerprint of everything under a directory (names, types, modes, file bytes, symlink targets), so a
 * test can prove that nothing outside a sandbox changed: equal fingerprints before and after.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export async function treeFingerprint(root: string): Promise<string> {
  const lines: string[] = [];
  async function walk(dir: string, rel: string): Promise<void> {
    const entries = (await readdir(dir)).sort();
    for (const name of entries) {
      const full = join(dir, name);
      const path = rel ? `${rel}/${name}` : name;
      const st = await lstat(full);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) lines.push(`L ${path} ${mode} -> ${await readlink(full)}`);
      else if (st.isDirectory()) {
        lines.push(`D ${path} ${mode}`);
        await walk(full, path);
      } else if (st.isFile()) lines.push(`F ${path} ${mode} ${createHash('sha256').update(await readFile(full)).digest('hex')}`);
      else lines.push(`? ${path} ${mode}`);
    }
  }
  await walk(root, '');
  return lines.join('\n');
}
