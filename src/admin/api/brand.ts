import express, { Router, type RequestHandler } from 'express';
import type { Services } from '../../identity/services.js';
import { body } from './params.js';

/**
 * The body of a logo upload: the image itself, whatever its declared type (the domain reads the bytes and says what
 * they are), read only after the administrator is authenticated and never past the configured limit: a declared
 * Content-Length over it is refused before reading, a longer stream as soon as it passes it (the rest is discarded,
 * not kept). No decompression: an image is sent as it is.
 */
function logoBody(maxBytes: number): RequestHandler {
  const parse = express.raw({ type: () => true, limit: maxBytes, inflate: false });
  const maxKiB = Math.floor(maxBytes / 1024);
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      const type = (error as { type?: string } | undefined)?.type;
      if (type === 'entity.too.large') {
        return res.status(413).json({ error: { code: 'logo.too_large', message: `The logo is larger than ${maxKiB} KiB; at most ${maxKiB} KiB is accepted.`, field: 'logo' } });
      }
      if (type === 'encoding.unsupported') {
        return res.status(415).json({ error: { code: 'logo.encoding', message: 'Send the image as it is, without Content-Encoding.', field: 'logo' } });
      }
      next(error);
    });
  };
}

/**
 * An organization's brand: what it set (display name, primary colour, product, sender and authenticator names), its
 * logo, and the brand its pages and emails show. The support contact stays on the organization (PATCH
 * /organizations/{id}); the brand view shows it.
 */
export function brandRoutes(services: Services): Router {
  const router = Router();
  const { branding } = services;

  router.get('/organizations/:id/brand', async (req, res) => {
    res.json(await branding.get(req.admin!, req.params.id as string));
  });
  // Each field given is set; null or "" clears it (the platform's applies); the others stay as they are.
  router.patch('/organizations/:id/brand', async (req, res) => {
    res.json(await branding.set(req.admin!, req.params.id as string, body(req) as never));
  });
  router.put('/organizations/:id/brand/logo', logoBody(branding.logoLimits().maxBytes), async (req, res) => {
    // A JSON body was read by the router's JSON parser: that is not an image.
    const bytes = Buffer.isBuffer(req.body) ? req.body : req.body === undefined ? Buffer.alloc(0) : null;
    if (!bytes) {
      res.status(415).json({ error: { code: 'logo.unsupported_type', message: 'Send the image itself as the body, with Content-Type image/png, image/jpeg or image/webp.', field: 'logo' } });
      return;
    }
    const declaredType = req.get('content-type');
    res.json(await branding.setLogo(req.admin!, req.params.id as string, { bytes, ...(declaredType ? { declaredType } : {}) }));
  });
  router.delete('/organizations/:id/brand/logo', async (req, res) => {
    res.json(await branding.removeLogo(req.admin!, req.params.id as string));
  });

  return router;
}
