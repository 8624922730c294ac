import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { fdCount } from './proc.mjs';

describe('fdCount', () => {
  it('sees descriptors a process opens and closes', () => {
    const before = fdCount(process.pid);
    const fds = Array.from({ length: 5 }, () => openSync('/dev/null', 'r'));
    expect(fdCount(process.pid)).toBe(before + 5);
    for (const fd of fds) closeSync(fd);
    expect(fdCount(process.pid)).toBe(before);
  });
});
