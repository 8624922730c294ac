/**
 * Turning body bytes into text: the charset comes from a byte-order mark, then the Content-Type header,
 * then (for HTML) a <meta charset> or <meta http-equiv="Content-Type"> in the first 1024 bytes, then UTF-8.
 * TextDecoder does the decoding, so every WHATWG encoding label works (windows-1252, shift_jis, ...).
 */
import { TextDecoder } from 'node:util';

export interface MediaType {
  /** Lower-case type/subtype, e.g. "text/html"; empty when the header is missing. */
  essence: string;
  charset?: string;
}

export function parseContentType(header: string | undefined): MediaType {
  if (!header) return { essence: '' };
  const [essence = '', ...params] = header.split(';');
  const out: MediaType = { essence: essence.trim().toLowerCase() };
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    if (param.slice(0, eq).trim().toLowerCase() === 'charset') {
      const value = param.slice(eq + 1).trim().replace(/^["']|["']$/g, '');
      if (value) out.charset = value.toLowerCase();
    }
  }
  return out;
}

function bomCharset(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/** <meta charset="x"> or <meta http-equiv="content-type" content="text/html; charset=x"> near the top. */
export function sniffMetaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const direct = /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)/i.exec(head);
  return direct?.[1]?.toLowerCase();
}

function decoderFor(label: string | undefined): TextDecoder | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

export interface DecodedText {
  text: string;
  /** The encoding actually used, e.g. "utf-8" or "windows-1252". */
  charset: string;
}

/**
 * The decoder for a <meta> declaration. WHATWG's prescan: a page whose meta says UTF-16 is not UTF-16 (it
 * could not have been read as ASCII to find that meta), so it means UTF-8; x-user-defined means windows-1252.
 */
function metaDecoder(label: string | undefined): TextDecoder | undefined {
  const decoder = decoderFor(label);
  if (decoder?.encoding === 'utf-16le' || decoder?.encoding === 'utf-16be') return new TextDecoder('utf-8');
  if (label === 'x-user-defined') return new TextDecoder('windows-1252');
  return decoder;
}

export function decodeBody(bytes: Uint8Array, headerCharset: string | undefined, isHtml: boolean): DecodedText {
  const decoder = decoderFor(bomCharset(bytes)) ?? decoderFor(headerCharset) ?? (isHtml ? metaDecoder(sniffMetaCharset(bytes)) : undefined) ?? new TextDecoder('utf-8');
  if (decoder.encoding === 'windows-1252') return { text: decodeWindows1252(bytes), charset: 'windows-1252' };
  // TextDecoder strips a BOM that matches its encoding.
  return { text: decoder.decode(bytes), charset: decoder.encoding };
}

/**
 * Node (before 23) decodes windows-1252, and every label WHATWG maps to it (latin1, iso-8859-1, ascii), as
 * ISO-8859-1, which gets 0x80-0x9F wrong (curly quotes, the euro sign, dashes). This is the real table.
 */
const WINDOWS_1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!);
}
