import { checkLogo, LogoProblem, type LogoLimits } from '../../src/identity/branding/logo.js';
import { jpegFile, pngClaiming, pngFile, SVG_LOGO, webpExtended, webpLossless, webpLossy } from '../helpers/logoFiles.js';

const limits: LogoLimits = { maxBytes: 4 * 1024, maxWidth: 1024, maxHeight: 1024, minSide: 16 };

/** The refusal's code and message, or "accepted". */
function refusal(bytes: Buffer, declared?: string, given: LogoLimits = limits): { code: string; message: string } | 'accepted' {
  try {
    checkLogo(bytes, given, declared);
    return 'accepted';
  } catch (error) {
    if (error instanceof LogoProblem) return { code: error.code, message: error.message };
    throw error;
  }
}

describe('checkLogo: what is accepted', () => {
  it('reads a PNG and its size from its header', () => {
    expect(checkLogo(pngFile(120, 40), limits, 'image/png')).toEqual({ type: 'image/png', width: 120, height: 40 });
  });

  it('reads a JPEG and its size from its frame header, also when declared image/jpg', () => {
    expect(checkLogo(jpegFile(300, 100), limits, 'image/jpeg')).toEqual({ type: 'image/jpeg', width: 300, height: 100 });
    expect(checkLogo(jpegFile(300, 100), limits, 'image/jpg').type).toBe('image/jpeg');
  });

  it('reads lossy, lossless and extended WebP with their sizes', () => {
    expect(checkLogo(webpLossy(200, 80), limits, 'image/webp')).toEqual({ type: 'image/webp', width: 200, height: 80 });
    expect(checkLogo(webpLossless(64, 1000), limits, 'image/webp')).toEqual({ type: 'image/webp', width: 64, height: 1000 });
    expect(checkLogo(webpExtended(1024, 16), limits, 'image/webp')).toEqual({ type: 'image/webp', width: 1024, height: 16 });
  });

  it('goes by the bytes when no type, or a generic one, is declared', () => {
    expect(checkLogo(pngFile(20, 20), limits).type).toBe('image/png');
    expect(checkLogo(jpegFile(20, 20), limits, 'application/octet-stream').type).toBe('image/jpeg');
    expect(checkLogo(pngFile(20, 20), limits, 'image/png; charset=binary').type).toBe('image/png');
  });

  it('accepts the limits themselves: exactly the largest size in bytes and pixels, and the smallest side', () => {
    const file = pngFile(16, 16);
    expect(refusal(file, 'image/png', { ...limits, maxBytes: file.length })).toBe('accepted');
    expect(refusal(pngClaiming(1024, 1024))).toBe('accepted');
  });
});

describe('checkLogo: what is refused, and why', () => {
  it('refuses SVG, declared as such or sent as a PNG, and HTML, saying SVG can carry script', () => {
    expect(refusal(SVG_LOGO, 'image/svg+xml')).toMatchObject({ code: 'logo.svg', message: expect.stringContaining('can carry script') });
    expect(refusal(SVG_LOGO, 'image/png')).toMatchObject({ code: 'logo.svg' });
    expect(refusal(Buffer.concat([Buffer.from('\ufeff  \n'), SVG_LOGO]))).toMatchObject({ code: 'logo.svg' });
    expect(refusal(Buffer.from('<!DOCTYPE html><html><script>1</script></html>'), 'image/png')).toMatchObject({ code: 'logo.svg' });
    expect(refusal(pngFile(20, 20), 'image/svg+xml')).toMatchObject({ code: 'logo.svg' });
  });

  it('refuses an empty file and a file over the limit, naming both sizes in KiB', () => {
    expect(refusal(Buffer.alloc(0))).toEqual({ code: 'logo.empty', message: 'The logo file is empty.' });
    const big = Buffer.concat([pngFile(20, 20), Buffer.alloc(5 * 1024)]);
    expect(refusal(big, 'image/png')).toEqual({ code: 'logo.too_large', message: `The logo is ${Math.ceil(big.length / 1024)} KiB; at most 4 KiB is accepted.` });
  });

  it('refuses other kinds of file: GIF, text, random bytes', () => {
    for (const bytes of [Buffer.from('GIF89a\x10\x00\x10\x00', 'latin1'), Buffer.from('just text'), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]) {
      expect(refusal(bytes)).toEqual({ code: 'logo.unsupported_type', message: 'The logo must be a PNG, JPEG or WebP image.' });
    }
  });

  it('refuses a declared type the bytes are not', () => {
    expect(refusal(pngFile(20, 20), 'image/jpeg')).toEqual({ code: 'logo.type_mismatch', message: 'The file was sent as image/jpeg but it is image/png.' });
    expect(refusal(jpegFile(20, 20), 'image/webp')).toMatchObject({ code: 'logo.type_mismatch' });
    expect(refusal(webpLossy(20, 20), 'text/plain')).toMatchObject({ code: 'logo.type_mismatch' });
  });

  it('refuses dimensions above the limit or below the smallest side, naming them', () => {
    expect(refusal(pngClaiming(1025, 100))).toEqual({ code: 'logo.dimensions', message: 'The logo is 1025×100 pixels; it must be between 16×16 and 1024×1024.' });
    expect(refusal(jpegFile(100, 2000))).toMatchObject({ code: 'logo.dimensions', message: expect.stringContaining('100×2000') });
    expect(refusal(webpLossless(15, 100))).toMatchObject({ code: 'logo.dimensions' });
    expect(refusal(pngClaiming(0, 0))).toMatchObject({ code: 'logo.dimensions' });
  });

  it('refuses damaged and truncated files of each kind', () => {
    const png = pngFile(40, 40);
    expect(refusal(png.subarray(0, png.length - 12))).toMatchObject({ code: 'logo.damaged', message: expect.stringContaining('incomplete') });
    expect(refusal(png.subarray(0, 30))).toMatchObject({ code: 'logo.damaged', message: expect.stringContaining('no image header') });
    const jpeg = jpegFile(40, 40);
    expect(refusal(jpeg.subarray(0, jpeg.length - 2))).toMatchObject({ code: 'logo.damaged' });
    expect(refusal(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02, 0xff, 0xd9]))).toMatchObject({ code: 'logo.damaged', message: expect.stringContaining('no frame header') });
    const webp = webpLossy(40, 40);
    expect(refusal(webp.subarray(0, webp.length - 4))).toMatchObject({ code: 'logo.damaged', message: expect.stringContaining('length') });
    const noKeyFrame = Buffer.from(webp);
    noKeyFrame[23] = 0;
    expect(refusal(noKeyFrame)).toMatchObject({ code: 'logo.damaged', message: expect.stringContaining('key frame') });
    const unknownChunk = Buffer.from(webp);
    unknownChunk.write('ABCD', 12, 'latin1');
    expect(refusal(unknownChunk)).toMatchObject({ code: 'logo.damaged', message: expect.stringContaining('"ABCD"') });
  });
});
