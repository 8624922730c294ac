/** The business-insights memo of the official server: insights kept in memory, rendered as one text. */
export const MAX_INSIGHTS = 1000;
export const MAX_INSIGHT_CHARS = 10_000;

export class Insights {
  private readonly items: string[] = [];
  // Subscribers of memo://insights (one per subscribed session; over HTTP all sessions share one memo).
  private readonly listeners = new Set<() => void>();

  get count(): number {
    return this.items.length;
  }

  /** Returns false when the memo is full. */
  add(insight: string): boolean {
    if (this.items.length >= MAX_INSIGHTS) return false;
    this.items.push(insight);
    for (const listener of this.listeners) listener();
    return true;
  }

  /** Calls `listener` after every added insight; returns the function that stops it. */
  onChange(listener: () => void): () => void {
    // A wrapper, so that one function subscribed twice is stopped twice independently.
    const entry = () => listener();
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  memo(): string {
    if (this.items.length === 0) return 'No business insights have been discovered yet.';
    const lines = ['📊 Business Intelligence Memo 📊', '', 'Key Insights Discovered:', '', ...this.items.map((i) => `- ${i}`)];
    if (this.items.length > 1) {
      lines.push('', 'Summary:', `Analysis has revealed ${this.items.length} key business insights that suggest opportunities for strategic optimization and growth.`);
    }
    return lines.join('\n');
  }
}
