/**
 * The tool list of a running server can change: toolsets switched on or off (`--dynamic-toolsets`), tools
 * hidden once the server learns they cannot work (a token without the scope), writers hidden when the
 * server drops to read-only. Every connected session is told with notifications/tools/list_changed.
 *
 * The operator's flags are the ceiling: nothing here can bring back a tool that --read-only, --tools or
 * --exclude-tools removed.
 */
import type { ToolDefinition } from '../define.js';
import { isWriter, toolsetOf } from '../inventory.js';

export interface ToolsetState {
  name: string;
  description?: string;
  tools: string[];
  enabled: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTool = ToolDefinition<any, any, any>;

export class LiveToolSet {
  private readonly enabledToolsets: Set<string>;
  private readonly hidden = new Map<string, string>();
  private readOnlyNow = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    /** Every tool the operator allows (after --read-only, --tools, --exclude-tools). */
    readonly ceiling: readonly AnyTool[],
    /** Toolsets on at start. */
    initialToolsets: Iterable<string>,
    private readonly descriptions: Record<string, string> = {},
  ) {
    this.enabledToolsets = new Set(initialToolsets);
  }

  isActive(name: string): boolean {
    const tool = this.ceiling.find((t) => t.name === name);
    if (!tool) return false;
    if (!this.enabledToolsets.has(toolsetOf(tool))) return false;
    if (this.hidden.has(name)) return false;
    return !(this.readOnlyNow && isWriter(tool));
  }

  activeNames(): string[] {
    return this.ceiling.filter((t) => this.isActive(t.name)).map((t) => t.name);
  }

  toolsets(): ToolsetState[] {
    const names = [...new Set(this.ceiling.map(toolsetOf))];
    return names.map((name) => ({
      name,
      ...(this.descriptions[name] ? { description: this.descriptions[name] } : {}),
      tools: this.ceiling.filter((t) => toolsetOf(t) === name).map((t) => t.name),
      enabled: this.enabledToolsets.has(name),
    }));
  }

  /** Returns false when the toolset is unknown to this server (or not allowed by the operator). */
  setToolsetEnabled(name: string, enabled: boolean): boolean {
    if (!this.ceiling.some((t) => toolsetOf(t) === name)) return false;
    if (this.enabledToolsets.has(name) === enabled) return true;
    if (enabled) this.enabledToolsets.add(name);
    else this.enabledToolsets.delete(name);
    this.changed();
    return true;
  }

  /** Hides tools for the rest of the run (e.g. the token lacks a scope), with the reason for the log. */
  hide(names: readonly string[], reason: string): void {
    let changed = false;
    for (const name of names) {
      if (!this.hidden.has(name)) {
        this.hidden.set(name, reason);
        changed = true;
      }
    }
    if (changed) this.changed();
  }

  /** Drops to read-only (or back, within what the operator allowed at start). */
  setReadOnly(readOnly: boolean): void {
    if (this.readOnlyNow === readOnly) return;
    this.readOnlyNow = readOnly;
    this.changed();
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
