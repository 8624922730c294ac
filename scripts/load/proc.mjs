/**
 * Readings of a server process from /proc (Linux): CPU time, resident memory, open file descriptors; and the
 * latency statistics the load and soak reports use. CPU and memory come from scripts/bench/lib.mjs.
 */
import { readdirSync } from 'node:fs';
import { cpuMs, memMiB, percentile } from '../bench/lib.mjs';

export { cpuMs, memMiB, percentile };

/** Open file descriptors of a process (entries of /proc/<pid>/fd). */
export function fdCount(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export const round = (x, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

export function markdownTable(header, rows) {
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
