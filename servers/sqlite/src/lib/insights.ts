/** The business-insights memo of the official server: insights kept in memory, rendered as one text. */
export const MAX_INSIGHTS = 1000;
export const MAX_INSIGHT_CHARS = 10_000;

export class Insights {
  private readonly items: string[] = [];

  get count(): number {
    return this.items.length;
  }

  /** Returns false when the memo is full. */
  add(insight: string): boolean {
    if (this.items.length >= MAX_INSIGHTS) return false;
    this.items.push(insight);
    return true;
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
