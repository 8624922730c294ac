/** Maps the fetch domain's errors to what the model reads (lib/ knows nothing of MCP). */
import { ToolError } from '@portico/protocol';
import { isFetchError } from '../lib/errors.js';

export function toToolError(error: unknown): unknown {
  if (!isFetchError(error) || error.code === 'cancelled') return error;
  return new ToolError(error.message, { code: error.code, ...(error.hint ? { hint: error.hint } : {}), cause: error });
}
