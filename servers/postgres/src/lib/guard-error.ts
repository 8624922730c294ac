/** The guard's refusal type and position helpers, shared by guard.ts and schema-scope.ts. */

/** Why a statement was refused; `position` is 1-based like PostgreSQL's own error positions. */
export class GuardError extends Error {
  override readonly name = 'GuardError';
  constructor(
    message: string,
    readonly code: 'syntax_error' | 'empty' | 'multiple_statements' | 'not_read_only' | 'forbidden_statement' | 'forbidden_function' | 'schema_not_allowed',
    readonly hint: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

/** Tree locations are 0-based byte offsets (error positions are characters already); messages use 1-based characters. */
export function charPosition(sql: string, byteOffset: number): number {
  return Buffer.from(sql, 'utf8').subarray(0, byteOffset).toString('utf8').length + 1;
}

/** "at character 12 (line 1, column 12)": PostgreSQL counts characters from 1. */
export function describePosition(sql: string, position: number): string {
  const before = sql.slice(0, Math.max(0, position - 1));
  const line = before.split('\n').length;
  const column = position - (before.lastIndexOf('\n') + 1);
  return `at character ${position} (line ${line}, column ${column})`;
}

/** " at character N (...)" for a parse-tree location, or "" when the node has none. */
export function atLocation(sql: string, location: unknown): { at: string; position: number | undefined } {
  const position = typeof location === 'number' && location >= 0 ? charPosition(sql, location) : undefined;
  return { at: position ? ` ${describePosition(sql, position)}` : '', position };
}
