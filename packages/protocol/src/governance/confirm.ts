/**
 * Confirmations: before a tool that destroys or overwrites data runs, the user is asked through MCP
 * elicitation, with exactly what will happen. `--confirm destructive` (default) asks for tools annotated
 * destructive, `writes` for every tool that changes anything, `none` never. Clients that cannot be asked
 * (no elicitation capability, or 2026-07-28 stateless requests) get the tool's normal behaviour: the
 * operator's --read-only and allow-lists are the guard there.
 */
import type { ElicitAnswer, ElicitSchema, ToolAnnotations } from '../define.js';
import { ConfigError } from '../errors.js';
import { auditArguments } from './audit.js';

export const CONFIRM_POLICIES = ['destructive', 'writes', 'none'] as const;
export type ConfirmPolicy = (typeof CONFIRM_POLICIES)[number];

export function parseConfirmPolicy(raw: string | undefined): ConfirmPolicy {
  const value = (raw ?? 'destructive').trim().toLowerCase();
  if (!(CONFIRM_POLICIES as readonly string[]).includes(value)) {
    throw new ConfigError(`--confirm must be one of ${CONFIRM_POLICIES.join(', ')} (got "${raw}").`, '--confirm');
  }
  return value as ConfirmPolicy;
}

export function requiresConfirmation(policy: ConfirmPolicy, annotations: ToolAnnotations): boolean {
  if (policy === 'none' || annotations.readOnlyHint) return false;
  return policy === 'writes' || annotations.destructiveHint === true;
}

/** One checkbox: a form that needs a deliberate tick, so an accidental "accept" with no content is a no. */
export const CONFIRM_SCHEMA: ElicitSchema = {
  type: 'object',
  properties: {
    confirm: { type: 'boolean', title: 'Go ahead', description: 'Tick to let the tool make exactly this change.', default: false },
  },
  required: ['confirm'],
};

export function confirmationMessage(toolTitle: string, toolName: string, what: string): string {
  return `${toolTitle} (${toolName}) wants to make this change:\n\n${what}\n\nAllow it?`;
}

/** What a tool without its own preview shows: the call itself, with long values cut. */
export function defaultPreview(toolName: string, args: unknown, omit: readonly string[] = []): string {
  return `${toolName} with arguments ${JSON.stringify(auditArguments(args, omit), null, 2)}`;
}

export type ConfirmVerdict = 'accepted' | 'declined' | 'cancelled' | 'unanswered';

export function verdictOf(answer: ElicitAnswer | undefined): ConfirmVerdict {
  if (!answer) return 'unanswered';
  if (answer.action === 'accept') return answer.content?.confirm === true ? 'accepted' : 'declined';
  return answer.action === 'decline' ? 'declined' : 'cancelled';
}

export function notConfirmedText(toolName: string, verdict: Exclude<ConfirmVerdict, 'accepted'>, timeoutSeconds: number): string {
  const why =
    verdict === 'declined'
      ? 'the user declined the confirmation'
      : verdict === 'cancelled'
        ? 'the user dismissed the confirmation'
        : `the confirmation got no answer within ${timeoutSeconds} s`;
  return `${toolName} was not run because ${why}; nothing was changed. Do not retry unless the user asks for it.`;
}
