/** Small formatting helpers shared by listings. */

/** Human-readable size, the same way the official server prints it (1024-based, two decimals). */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  if (bytes <= 0) return '0 B';
  const i = Math.floor(Math.log(bytes) / Math.log(1024));
  if (i <= 0) return `${bytes} B`;
  const unit = Math.min(i, units.length - 1);
  return `${(bytes / 1024 ** unit).toFixed(2)} ${units[unit]}`;
}

/** Permission bits as three octal digits (`644`). */
export function permissionDigits(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, '0');
}

/** Name order that does not depend on the locale, so results are stable across machines. */
export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
