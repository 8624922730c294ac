/**
 * A disk that fills: a real tmpfs of a few hundred KiB mounted on a temp dir (needs root / CAP_SYS_ADMIN).
 * `unmount()` is idempotent and is meant for afterAll, so the mount goes away even when a test fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TinyDisk {
  path: string;
  /** Writes a filler file so that only about `leaveBytes` stay free. */
  fillLeaving(leaveBytes: number): void;
  freeBytes(): number;
  unmount(): void;
}

/** Mounts a tmpfs, or returns the reason it cannot (not root, no mount permission in this container). */
export function mountTinyDisk(sizeKiB: number): TinyDisk | { unavailable: string } {
  const path = mkdtempSync(join(tmpdir(), 'rb-tinydisk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'tmpfs', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    return { unavailable: `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}` };
  }
  let mounted = true;
  const freeBytes = () => {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  };
  return {
    path,
    freeBytes,
    fillLeaving(leaveBytes) {
      const size = freeBytes() - leaveBytes;
      if (size > 0) writeFileSync(join(path, 'zz-filler.bin'), Buffer.alloc(size, 0x7a));
    },
    unmount() {
      if (!mounted) return;
      execFileSync('umount', [path]);
      mounted = false;
      rmSync(path, { recursive: true, force: true });
    },
  };
}
