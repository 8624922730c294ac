/**
 * A Map that forgets everything once it holds `max` entries. For the per-process memo caches of the git
 * checks (config includes already read, git-data folders already found link-free): a forgotten entry only
 * costs one re-check, so dropping all at once is simpler than tracking use, and memory stays bounded however
 * many repositories a long-running server sees.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    if (this.entries.size >= this.max && !this.entries.has(key)) this.entries.clear();
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
