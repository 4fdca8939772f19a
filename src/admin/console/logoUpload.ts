import busboy from 'busboy';
import type { Request, RequestHandler, Response } from 'express';
import { CSRF_FIELD } from '../../http/csrf.js';

/** What a logo upload form sent, once read. */
export type LogoUpload =
  | { outcome: 'file'; bytes: Buffer; mimeType: string; filename: string }
  /** The CSRF token was missing, wrong, or came after the file. */
  | { outcome: 'csrf' }
  | { outcome: 'too_large' }
  | { outcome: 'no_file' }
  /** More than one file, or more parts than the form has. */
  | { outcome: 'too_many' }
  | { outcome: 'malformed' };

/**
 * Runs the console's own CSRF check (the same middleware as every form) on the token the upload form carried: the
 * middleware reads `req.body._csrf` (or the X-CSRF-Token header when no field came), which a multipart body does not
 * give it before this.
 */
function csrfPasses(csrf: RequestHandler, req: Request, res: Response, token: string | undefined): Promise<boolean> {
  const body: unknown = req.body;
  req.body = token === undefined ? {} : { [CSRF_FIELD]: token };
  return new Promise((resolve) => {
    csrf(req, res, (error?: unknown) => {
      req.body = body;
      resolve(!error);
    });
  });
}

/**
 * Reads a logo upload form (multipart/form-data) as it streams, with busboy: its CSRF field must come before the file
 * (the form puts it first, as browsers send fields in order) and is checked before a byte of the file is kept; a
 * cross-site or tokenless upload is read off and discarded. At most `maxBytes` of one file are kept (busboy stops
 * keeping at the limit and discards the rest), no second file, a handful of small fields. Any other content type
 * (the console's urlencoded parser has read it) only gets its CSRF check.
 */
export async function readLogoUpload(req: Request, res: Response, csrf: RequestHandler, maxBytes: number): Promise<LogoUpload> {
  if (!req.is('multipart/form-data') || req.readableEnded) {
    const token = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    return (await csrfPasses(csrf, req, res, typeof token === 'string' ? token : undefined)) ? { outcome: 'no_file' } : { outcome: 'csrf' };
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 1, fields: 4, parts: 5, fieldNameSize: 64, fieldSize: 1024, headerPairs: 20 } });
  } catch {
    req.resume();
    return { outcome: 'malformed' };
  }
  return new Promise<LogoUpload>((settle) => {
    let settled = false;
    const resolve = (upload: LogoUpload) => {
      if (settled) return;
      settled = true;
      settle(upload);
    };
    let token: string | undefined;
    let verdict: Promise<boolean> | undefined;
    const verify = () => (verdict ??= csrfPasses(csrf, req, res, token));
    let file: { chunks: Buffer[]; mimeType: string; filename: string; truncated: boolean } | undefined;
    let excess = false;

    parser.on('field', (name, value) => {
      if (name === CSRF_FIELD && token === undefined && verdict === undefined) token = value;
    });
    parser.on('file', (_name, stream, info) => {
      // A form that ends inside the file fails the file stream too; the parser's error says so (below).
      stream.on('error', () => {});
      if (file) {
        excess = true;
        stream.resume();
        return;
      }
      const current = { chunks: [] as Buffer[], mimeType: info.mimeType, filename: info.filename ?? '', truncated: false };
      file = current;
      // Nothing of the file is read until the token that came before it has passed.
      void verify().then((passed) => {
        if (!passed) return stream.resume();
        stream.on('limit', () => (current.truncated = true));
        stream.on('data', (chunk: Buffer) => {
          if (!current.truncated) current.chunks.push(chunk);
        });
      });
    });
    for (const limit of ['filesLimit', 'fieldsLimit', 'partsLimit'] as const) parser.on(limit, () => (excess = true));
    // A form busboy cannot read, or a client gone before the end of it: nothing to keep.
    const abandon = () => {
      if (settled) return;
      req.unpipe(parser);
      req.resume();
      resolve({ outcome: 'malformed' });
    };
    parser.on('error', abandon);
    req.on('close', () => {
      if (!req.complete) abandon();
    });
    parser.on('close', () => {
      if (settled) return;
      void verify().then((passed) => {
        if (!passed) return resolve({ outcome: 'csrf' });
        if (excess) return resolve({ outcome: 'too_many' });
        if (!file) return resolve({ outcome: 'no_file' });
        if (file.truncated) return resolve({ outcome: 'too_large' });
        const bytes = Buffer.concat(file.chunks);
        if (bytes.length === 0 && file.filename === '') return resolve({ outcome: 'no_file' });
        resolve({ outcome: 'file', bytes, mimeType: file.mimeType, filename: file.filename });
      });
    });
    req.pipe(parser);
  });
}
