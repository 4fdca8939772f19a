import { Router, type Response } from 'express';
import { isSlugLike } from '../identity/branding/brands.js';
import { LOGO_EXTENSIONS } from '../identity/branding/logo.js';
import type { Services } from '../identity/services.js';
import { themeCss, themeHash } from './brandTheme.js';

/** An address that names its content: cached for a year by browsers and proxies, never revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const LOGO_FILE = /^logo-([0-9a-f]{16})\.(png|jpg|webp)$/;
const THEME_FILE = /^theme-([0-9a-f]{16})\.css$/;

function notFound(res: Response): void {
  res.status(404).set('Cache-Control', 'no-store').type('text/plain').send('Not found.');
}

/**
 * The brands' files, public (pages and emails show them before anyone signs in), without sessions or cookies:
 * an organization's logo (`/brand/<slug>/logo-<hash>.<ext>`, the bytes as uploaded with their checked type) and a
 * brand's stylesheet (`/brand/<key>/theme-<hash>.css`, its colours as CSS custom properties). Both addresses carry
 * the start of their content's hash, so they are cached for good, and an address of an older logo or colour answers
 * "not found" rather than something else.
 */
export function brandAssets(services: Services): Router {
  const router = Router();

  router.get('/brand/:key/:file', async (req, res) => {
    const key = String(req.params.key);
    const file = String(req.params.file);
    if (!isSlugLike(key)) return notFound(res);

    const logo = LOGO_FILE.exec(file);
    if (logo) {
      const found = await services.branding.readLogo(key, logo[1] as string);
      if (!found || LOGO_EXTENSIONS[found.contentType] !== logo[2]) return notFound(res);
      res.set({
        'Cache-Control': IMMUTABLE,
        // An image and nothing else: no script, style or frame even if a browser were to open it as a document.
        'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
        // Emails show the logo from webmail on other origins.
        'Cross-Origin-Resource-Policy': 'cross-origin',
        ETag: `"${found.sha256}"`,
      });
      return res.type(found.contentType).send(found.data);
    }

    const theme = THEME_FILE.exec(file);
    if (theme) {
      // The organization of this slug, or the platform's brand ("platform"): whichever has this stylesheet.
      const candidates = [await services.branding.forPage({ organizationHint: key }), services.branding.platform()];
      const css = candidates
        .filter((brand) => brand.key === key)
        .map((brand) => themeCss(brand))
        .find((text) => themeHash(text) === theme[1]);
      if (!css) return notFound(res);
      res.set({ 'Cache-Control': IMMUTABLE, 'Cross-Origin-Resource-Policy': 'same-origin' });
      return res.type('text/css').send(css);
    }
    notFound(res);
  });

  return router;
}
