/**
 * Governance: the process-wide state behind confirmations, rate limits, the audit log and the live tool
 * list. One instance per running server; every session's McpServer shares it.
 */
import type { ServerDefinition, ToolDefinition } from '../define.js';
import type { CommonConfig } from '../config.js';
import { DEFAULT_TOOLSET, toolsetOf } from '../inventory.js';
import { AuditLog } from './audit.js';
import type { ConfirmPolicy } from './confirm.js';
import { LiveToolSet } from './live-tools.js';
import { parseRateSpec, RateLimiter, type RateSpec } from './rate-limit.js';
import { toolsetTools } from './toolset-tools.js';

export * from './audit.js';
export * from './confirm.js';
export * from './live-tools.js';
export * from './rate-limit.js';
export { toolsetTools } from './toolset-tools.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTool = ToolDefinition<any, any, any>;

export interface Governance {
  confirm: ConfirmPolicy;
  confirmTimeoutMs: number;
  rate: RateLimiter;
  audit: AuditLog | undefined;
  live: LiveToolSet;
  /** Every tool a session registers (the operator's selection plus --dynamic-toolsets' own tools). */
  tools: AnyTool[];
  close(): void;
}

export type GovernanceSettings = Pick<
  CommonConfig,
  'confirm' | 'confirmTimeoutMs' | 'rateLimit' | 'rateLimitGlobal' | 'rateLimitBuckets' | 'auditLog' | 'auditLogMaxBytes' | 'dynamicToolsets' | 'toolsets'
> & {
  /**
   * The rate limiter's clock (default Date.now). Tests pass one that stands still, so no token comes back
   * during a burst however slow the machine is, and the advertised retry time is exact.
   */
  clock?: () => number;
};

/** What a server gets when nothing is configured: confirm destructive tools, no limits, no audit log. */
export const DEFAULT_GOVERNANCE: GovernanceSettings = {
  confirm: 'destructive',
  confirmTimeoutMs: 120_000,
  rateLimit: undefined,
  rateLimitGlobal: undefined,
  rateLimitBuckets: {},
  auditLog: undefined,
  auditLogMaxBytes: 10 * 1024 * 1024,
  dynamicToolsets: false,
  toolsets: undefined,
};

export function createGovernance(definition: Pick<ServerDefinition, 'rateLimitBuckets' | 'toolsets'>, selected: AnyTool[], settings: GovernanceSettings): Governance {
  const buckets: Record<string, RateSpec | undefined> = {};
  for (const [name, bucket] of Object.entries(definition.rateLimitBuckets ?? {})) {
    buckets[name] = parseRateSpec(bucket.rate, `rate limit bucket ${name}`);
  }
  Object.assign(buckets, settings.rateLimitBuckets);
  const allToolsets = [...new Set(selected.map(toolsetOf))];
  // Dynamic: start with the operator's --toolsets, else the default toolset (or the first one there is).
  const initial = settings.dynamicToolsets
    ? (settings.toolsets ?? (allToolsets.includes(DEFAULT_TOOLSET) ? [DEFAULT_TOOLSET] : allToolsets.slice(0, 1)))
    : allToolsets;
  // The switch tools read `live` when called, after it exists; they are part of the set they switch.
  let live: LiveToolSet | undefined;
  const switchTools = settings.dynamicToolsets ? toolsetTools(() => live!) : [];
  const tools = [...selected, ...switchTools];
  live = new LiveToolSet(tools, settings.dynamicToolsets ? [...initial, 'toolsets'] : initial, definition.toolsets ?? {});
  const audit = settings.auditLog ? new AuditLog({ path: settings.auditLog, maxBytes: settings.auditLogMaxBytes }) : undefined;
  return {
    confirm: settings.confirm,
    confirmTimeoutMs: settings.confirmTimeoutMs,
    rate: new RateLimiter({ perSession: settings.rateLimit, global: settings.rateLimitGlobal, buckets }, settings.clock),
    audit,
    live,
    tools,
    close: () => audit?.close(),
  };
}
