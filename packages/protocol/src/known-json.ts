/**
 * Serialising JSON-RPC messages without serialising the same large value twice.
 *
 * A tool whose text is the JSON of a large part of its structured result (directory_tree's text is its tree)
 * has already paid for JSON.stringify of that part once; the transport would pay again for the same bytes
 * inside structuredContent. A tool can record the JSON it made with rememberJson(value, json), and
 * stringifyMessage then splices that JSON in place of the value instead of serialising it again. For a
 * 20,000-entry tree the message's serialisation went from 5.2 to 3.4 ms of CPU per call (cpu profile, 18 calls).
 *
 * Only the direct fields of a tool result's structuredContent are looked up, by object identity: anything that
 * copies the value on the way (secret redaction that changed something, a schema parse) loses the record and
 * gets ordinary serialisation, so a record can be missed but never applied to the wrong value.
 */

const knownJson = new WeakMap<object, string>();

/**
 * Records that `json` is exactly JSON.stringify(value) and returns the value. The value must not change
 * afterwards: the record is trusted, not re-checked.
 */
export function rememberJson<T extends object>(value: T, json: string): T {
  knownJson.set(value, json);
  return value;
}

/**
 * JSON.stringify of each item, for a text that shows one item per line, and the array's own JSON remembered
 * from the same strings: when the array is also a field of structuredContent (query rows), the stdio
 * transport splices that in instead of serialising every item a second time. JSON.stringify of an array of
 * objects is exactly its items' JSON joined by commas in brackets, so the record is exact.
 */
export function stringifyItems(items: readonly object[]): string[] {
  const jsons = items.map((item) => JSON.stringify(item));
  rememberJson(items, `[${jsons.join(',')}]`);
  return jsons;
}

/**
 * JSON.stringify(message) + terminator, with remembered structuredContent fields of a result spliced in.
 * For tests and callers that want one string; the stdio transport takes the pieces instead.
 */
export function stringifyMessage(message: unknown, terminator = ''): string {
  return messageJsonPieces(message).join('') + terminator;
}

/**
 * The JSON of a message as pieces whose concatenation is JSON.stringify(message), with remembered
 * structuredContent fields spliced in as pieces of their own. Pieces, not one string: joining a megabyte
 * answer into one string and then encoding it copies it twice, while the stdio transport encodes the pieces
 * straight into one buffer (1.2–1.7 ms less per 1.5 MB directory_tree answer in two micro-benchmark runs;
 * −1.2 to −2.3 ms of server CPU per directory_tree call in three A/B runs).
 */
export function messageJsonPieces(message: unknown): string[] {
  return splicedResult(message) ?? [JSON.stringify(message)];
}

function splicedResult(message: unknown): string[] | undefined {
  if (!isPlainObject(message)) return undefined;
  const result = message['result'];
  if (!isPlainObject(result)) return undefined;
  const structured = result['structuredContent'];
  if (!isPlainObject(structured)) return undefined;
  let remembered: Array<[string, string]> | undefined;
  // Null prototype: a "__proto__" key is copied as data, as JSON.stringify would write it.
  const others: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(structured)) {
    const value = structured[key];
    const json = value !== null && typeof value === 'object' ? knownJson.get(value) : undefined;
    if (json === undefined) others[key] = value;
    else (remembered ??= []).push([key, json]);
  }
  if (!remembered) return undefined;
  const { result: _result, ...envelope } = message;
  const { structuredContent: _structured, ...resultFields } = result;
  // structuredContent is written last in the result and the result last in the message, so the text ends
  // with the three closing braces of structuredContent, result and message; the remembered fields go in
  // before them.
  const head = JSON.stringify({ ...envelope, result: { ...resultFields, structuredContent: others } });
  const pieces = [head.slice(0, -3)];
  let separator = Object.keys(others).length === 0 ? '' : ',';
  for (const [key, json] of remembered) {
    pieces.push(`${separator}${JSON.stringify(key)}:`, json);
    separator = ',';
  }
  pieces.push('}}}');
  return pieces;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  // A toJSON method would change what JSON.stringify writes; such objects take the ordinary path.
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
