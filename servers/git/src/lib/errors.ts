/**
 * Failures the model can act on, raised by lib/ without any MCP types. Tools turn them into ToolErrors
 * (see tools/shared.ts); the code travels along unchanged.
 */
export class RepoError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'RepoError';
  }
}
