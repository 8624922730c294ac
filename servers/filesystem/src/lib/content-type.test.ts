import { describe, expect, it } from 'vitest';
import { contentKind, detectMediaType, isBinary } from './content-type.js';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('detectMediaType', () => {
  it('trusts magic bytes over the extension', () => {
    expect(detectMediaType(png, 'notes.txt')).toBe('image/png');
    expect(detectMediaType(Buffer.from('just text'), 'picture.png')).toBe('image/png'); // no signature: extension fallback
    expect(detectMediaType(Buffer.from('GIF89a....'), 'x.bin')).toBe('image/gif');
    expect(detectMediaType(Buffer.from('%PDF-1.7\n'), 'doc')).toBe('application/pdf');
    expect(detectMediaType(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')]), 'a')).toBe('audio/wav');
    expect(detectMediaType(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]), 'a')).toBe('image/webp');
    expect(detectMediaType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'icon')).toBe('image/svg+xml');
    expect(detectMediaType(Buffer.from('ID3\x03\x00'), 'song')).toBe('audio/mpeg');
    expect(detectMediaType(Buffer.from([0, 1, 2, 3, 0, 9]), 'blob')).toBe('application/octet-stream');
    expect(detectMediaType(Buffer.from('plain words'), 'README')).toBe('text/plain');
  });

  it('maps media types to content kinds', () => {
    expect(contentKind('image/png')).toBe('image');
    expect(contentKind('audio/ogg')).toBe('audio');
    expect(contentKind('application/pdf')).toBe('resource');
  });
});

describe('isBinary', () => {
  it('flags NUL bytes and signatures, not UTF-8 text', () => {
    expect(isBinary(Buffer.from('héllo wörld 🙂\n\tok\r\n'))).toBe(false);
    expect(isBinary(Buffer.from([104, 0, 105]))).toBe(true);
    expect(isBinary(png)).toBe(true);
    expect(isBinary(Buffer.alloc(0))).toBe(false);
  });
});
