import { crc32, deflateSync } from 'node:zlib';

export type Rgba = readonly [number, number, number, number];

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid RGBA PNG of `width` × `height`, each pixel from `paint(x, y)`. */
export function png(width: number, height: number, paint: (x: number, y: number) => Rgba): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, no filter method, no interlace
  const rows = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 4);
    rows[row] = 0; // filter: none
    for (let x = 0; x < width; x++) rows.set(paint(x, y), row + 1 + x * 4);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
}

function hexToRgba(hex: string): Rgba {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
}

/**
 * A small logo: a disc of `colour` with `stripes` white waves across it, on a transparent background (wide enough to
 * tell two organizations' logos apart in a screenshot).
 */
export function logoPng(colour: string, options: { size?: number; stripes?: number } = {}): Buffer {
  const size = options.size ?? 96;
  const stripes = options.stripes ?? 2;
  const fill = hexToRgba(colour);
  const white: Rgba = [255, 255, 255, 255];
  const clear: Rgba = [0, 0, 0, 0];
  const r = size / 2;
  return png(size, size, (x, y) => {
    const dx = x + 0.5 - r;
    const dy = y + 0.5 - r;
    if (dx * dx + dy * dy > r * r) return clear;
    const wave = y + Math.sin((x / size) * Math.PI * 2) * (size / 16);
    const band = Math.floor((wave / size) * (stripes * 2 + 1));
    return band % 2 === 1 ? white : fill;
  });
}

/**
 * Image files built at test time, byte by byte, for the logo checks: a complete PNG (decodable: IHDR, deflated IDAT,
 * IEND with their CRCs), and JPEG and WebP files whose headers carry the dimensions as real encoders write them.
 */

/** A PNG of `width` × `height` in one opaque colour. */
export function pngFile(width: number, height: number, rgb: [number, number, number] = [11, 92, 173]): Buffer {
  return png(width, height, () => [...rgb, 255]);
}

/** A PNG header claiming `width` × `height` (the pixels are not there: enough for the dimension checks). */
export function pngClaiming(width: number, height: number): Buffer {
  const small = pngFile(1, 1);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([small.subarray(0, 8), pngChunk('IHDR', header), small.subarray(33)]);
}

/** A baseline JPEG: SOI, a JFIF APP0 segment, a quantisation table, the frame header (SOF0) with the size, EOI. */
export function jpegFile(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const dqt = Buffer.concat([Buffer.from([0xff, 0xdb, 0x00, 0x43, 0x00]), Buffer.alloc(64, 1)]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, dqt, sof, Buffer.from([0xff, 0xd9])]);
}

function riff(chunkType: string, payload: Buffer): Buffer {
  const chunk = Buffer.alloc(8);
  chunk.write(chunkType, 0, 'latin1');
  chunk.writeUInt32LE(payload.length, 4);
  const padded = payload.length % 2 ? Buffer.concat([payload, Buffer.alloc(1)]) : payload;
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), chunk, padded]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** A lossy WebP (VP8): a key frame's tag, start code and 14-bit dimensions. */
export function webpLossy(width: number, height: number): Buffer {
  const frame = Buffer.alloc(20);
  frame.set([0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a], 0);
  frame.writeUInt16LE(width & 0x3fff, 6);
  frame.writeUInt16LE(height & 0x3fff, 8);
  return riff('VP8 ', frame);
}

/** A lossless WebP (VP8L): the 0x2f signature, then width-1 and height-1 in 14 bits each. */
export function webpLossless(width: number, height: number): Buffer {
  const bits = (width - 1) | ((height - 1) << 14);
  const payload = Buffer.alloc(16);
  payload[0] = 0x2f;
  payload.writeUInt32LE(bits >>> 0, 1);
  return riff('VP8L', payload);
}

/** An extended WebP (VP8X): flags, then width-1 and height-1 in 24 bits each. */
export function webpExtended(width: number, height: number): Buffer {
  const payload = Buffer.alloc(10);
  payload.writeUIntLE(width - 1, 4, 3);
  payload.writeUIntLE(height - 1, 7, 3);
  return riff('VP8X', payload);
}

export const SVG_LOGO = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(document.cookie)</script><rect width="64" height="64" fill="#0b5cad"/></svg>');
