/**
 * The two kinds of failure a tool can have, and how each reaches the model.
 *
 * - ToolError: something the model can act on (bad argument, missing file, refused by policy). Its message
 *   goes to the model verbatim as an `isError` result, so it must say what failed and what to try next.
 * - Anything else is an internal fault: the model gets a short reference id, stderr gets the details.
 *   Stack traces, connection strings, tokens and paths outside the sandbox never reach the model.
 */
import { randomBytes } from 'node:crypto';

export interface ToolErrorOptions {
  /** What the model should try next; appended to the message as "Try: ...". */
  hint?: string;
  /** A short machine-readable code (e.g. `not_found`, `outside_sandbox`), put in `structuredContent.error.code`. */
  code?: string;
  cause?: unknown;
}

export class ToolError extends Error {
  readonly hint: string | undefined;
  readonly code: string;
  constructor(message: string, options: ToolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ToolError';
    this.hint = options.hint;
    this.code = options.code ?? 'tool_error';
  }
  /** The text the model reads. */
  toModelText(): string {
    return this.hint ? `${this.message}\nTry: ${this.hint}` : this.message;
  }
}

/** A bad setting at start-up: printed as one stderr line, exit code 2. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** The flag or environment variable at fault, e.g. `--db-path` or `DATABASE_URL`. */
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A short random id that ties an internal-fault answer to its stderr details. */
export function newReferenceId(): string {
  return randomBytes(4).toString('hex');
}

export function isToolError(error: unknown): error is ToolError {
  return error instanceof ToolError;
}
