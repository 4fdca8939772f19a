/**
 * What an uploaded logo is, read from its bytes, never from its name or declared type: PNG, JPEG or WebP with their
 * dimensions from the headers. Anything else (SVG above all: it can carry script) is refused. The image is not decoded
 * here; it is served back with the type found, `nosniff`, and from idbridge's own origin.
 */

export type LogoType = 'image/png' | 'image/jpeg' | 'image/webp';

export const LOGO_TYPES: readonly LogoType[] = ['image/png', 'image/jpeg', 'image/webp'];

export const LOGO_EXTENSIONS: Record<LogoType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

export interface LogoLimits {
  maxBytes: number;
  maxWidth: number;
  maxHeight: number;
  minSide: number;
}

export interface SniffedImage {
  type: LogoType;
  width: number;
  height: number;
}

/** Why the bytes are refused, in words for the person who uploaded them. */
export class LogoProblem extends Error {
  constructor(
    readonly code: 'logo.too_large' | 'logo.unsupported_type' | 'logo.svg' | 'logo.damaged' | 'logo.dimensions' | 'logo.type_mismatch' | 'logo.empty',
    message: string,
  ) {
    super(message);
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function png(bytes: Buffer): SniffedImage | null {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (bytes.length < 45 || bytes.toString('latin1', 12, 16) !== 'IHDR') throw new LogoProblem('logo.damaged', 'The PNG file is damaged (no image header).');
  if (bytes.toString('latin1', bytes.length - 8, bytes.length - 4) !== 'IEND') throw new LogoProblem('logo.damaged', 'The PNG file is incomplete (it does not end where a PNG ends).');
  return { type: 'image/png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Start-of-frame markers carry the dimensions (every SOFn but DHT C4, JPG C8 and DAC CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpeg(bytes: Buffer): SniffedImage | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return null;
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) throw new LogoProblem('logo.damaged', 'The JPEG file is incomplete (it does not end where a JPEG ends).');
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) break;
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2) break;
    if (isStartOfFrame(marker)) {
      if (at + 9 > bytes.length) break;
      return { type: 'image/jpeg', height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  throw new LogoProblem('logo.damaged', 'The JPEG file is damaged (no frame header with its size).');
}

function webp(bytes: Buffer): SniffedImage | null {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return null;
  if (bytes.readUInt32LE(4) + 8 !== bytes.length) throw new LogoProblem('logo.damaged', 'The WebP file is incomplete (its length does not match its header).');
  if (bytes.length < 30) throw new LogoProblem('logo.damaged', 'The WebP file is damaged (no image header).');
  const chunk = bytes.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) throw new LogoProblem('logo.damaged', 'The WebP file is damaged (no key frame).');
    return { type: 'image/webp', width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (bytes[20] !== 0x2f) throw new LogoProblem('logo.damaged', 'The WebP file is damaged (no lossless signature).');
    const b1 = bytes[21] as number;
    const b2 = bytes[22] as number;
    const b3 = bytes[23] as number;
    const b4 = bytes[24] as number;
    return { type: 'image/webp', width: 1 + (b1 | ((b2 & 0x3f) << 8)), height: 1 + ((b2 >> 6) | (b3 << 2) | ((b4 & 0x0f) << 10)) };
  }
  if (chunk === 'VP8X') {
    return { type: 'image/webp', width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
  }
  throw new LogoProblem('logo.damaged', `The WebP file is damaged (unknown first chunk "${chunk.replace(/[^\x20-\x7e]/g, '?')}").`);
}

/** Markup rather than an image: SVG (or HTML pretending to be one), said as such so the uploader knows why. */
function looksLikeMarkup(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return head.startsWith('<') && (head.includes('<svg') || head.startsWith('<?xml') || head.startsWith('<!doctype') || head.startsWith('<html'));
}

/**
 * Checks uploaded bytes and answers their type and size. `declaredType`, when given (the request's Content-Type),
 * must match what the bytes are.
 */
export function checkLogo(bytes: Buffer, limits: LogoLimits, declaredType?: string): SniffedImage {
  if (bytes.length === 0) throw new LogoProblem('logo.empty', 'The logo file is empty.');
  if (bytes.length > limits.maxBytes) {
    throw new LogoProblem('logo.too_large', `The logo is ${Math.ceil(bytes.length / 1024)} KiB; at most ${Math.floor(limits.maxBytes / 1024)} KiB is accepted.`);
  }
  if (looksLikeMarkup(bytes) || /svg/i.test(declaredType ?? '')) {
    throw new LogoProblem('logo.svg', 'SVG logos are not accepted (an SVG file can carry script); upload a PNG, JPEG or WebP image.');
  }
  const image = png(bytes) ?? jpeg(bytes) ?? webp(bytes);
  if (!image) throw new LogoProblem('logo.unsupported_type', 'The logo must be a PNG, JPEG or WebP image.');
  const declared = declaredType?.split(';')[0]?.trim().toLowerCase();
  if (declared && declared !== 'application/octet-stream' && declared !== image.type && !(declared === 'image/jpg' && image.type === 'image/jpeg')) {
    throw new LogoProblem('logo.type_mismatch', `The file was sent as ${declared} but it is ${image.type}.`);
  }
  const { width, height } = image;
  if (width < limits.minSide || height < limits.minSide || width > limits.maxWidth || height > limits.maxHeight) {
    throw new LogoProblem(
      'logo.dimensions',
      `The logo is ${width}×${height} pixels; it must be between ${limits.minSide}×${limits.minSide} and ${limits.maxWidth}×${limits.maxHeight}.`,
    );
  }
  return image;
}
