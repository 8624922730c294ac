/**
 * A short-lived cache of converted pages, so paging through a long page with start_index does not download
 * and convert it again. Bounded by age, by entry count and by total characters; least recently used first out.
 */
export interface PageCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** Total characters of content kept across all entries. */
  maxChars: number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  chars: number;
  expires: number;
}

export class PageCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private chars = 0;
  private readonly now: () => number;

  constructor(private readonly options: PageCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    // Re-insert: Map order is the LRU order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, chars: number): void {
    if (this.options.ttlMs <= 0 || chars > this.options.maxChars) return;
    const existing = this.entries.get(key);
    if (existing) this.remove(key, existing);
    this.entries.set(key, { value, chars, expires: this.now() + this.options.ttlMs });
    this.chars += chars;
    for (const [oldKey, oldEntry] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && this.chars <= this.options.maxChars) break;
      this.remove(oldKey, oldEntry);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get totalChars(): number {
    return this.chars;
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }

  private remove(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    this.chars -= entry.chars;
  }
}
