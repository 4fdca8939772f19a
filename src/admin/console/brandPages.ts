import { Router, type Request, type RequestHandler, type Response } from 'express';
import { CsrfError } from '../../http/csrf.js';
import type { BrandView } from '../../identity/branding/brands.js';
import { isDomainError } from '../../identity/errors.js';
import { BRAND_FIELDS, brandLabels, brandPage, type BrandFormErrors, type BrandFormValues } from '../../pages/console/brand.js';
import { consoleRequest, done, requireAdministrator, show, type ConsoleDeps } from './context.js';
import { formErrors } from './formErrors.js';
import { readLogoUpload } from './logoUpload.js';
import { bodyValue } from './userPages.js';

const pageOf = (slug: string) => `/admin/organizations/${encodeURIComponent(slug)}/brand`;

function limitsOf(deps: ConsoleDeps): { maxKiB: number; maxPixels: number } {
  const { maxBytes, maxWidth } = deps.services.branding.logoLimits();
  return { maxKiB: Math.floor(maxBytes / 1024), maxPixels: maxWidth };
}

/** Renders an organization's brand page; what the administrator may see of it is the domain's to say (else "not found"). */
async function showBrand(
  deps: ConsoleDeps,
  req: Request,
  res: Response,
  input: { view?: BrandView; values?: BrandFormValues; errors?: BrandFormErrors; logoError?: string; status?: number } = {},
): Promise<void> {
  const { t, csrf, admin } = consoleRequest(req);
  const view = input.view ?? (await deps.services.branding.get(admin, req.params.slug as string));
  show(deps, req, res, {
    title: t('console.brand.title', { name: view.organization.name }),
    section: 'organizations',
    ...(input.status ? { status: input.status } : {}),
    body: brandPage(t, {
      csrf,
      view,
      platform: deps.services.branding.platform(),
      limits: limitsOf(deps),
      ...(input.values ? { values: input.values } : {}),
      ...(input.errors ? { errors: input.errors } : {}),
      ...(input.logoError ? { logoError: input.logoError } : {}),
    }),
  });
}

/**
 * An organization's brand for platform administrators and the organization's own administrators (the policy decides:
 * another organization is "not found"): its names and colour, and removing its logo. Uploading the logo is
 * brandLogoUpload, mounted before the console's CSRF middleware.
 */
export function brandPages(deps: ConsoleDeps): Router {
  const router = Router();
  const { branding } = deps.services;

  router.get('/organizations/:slug/brand', async (req, res) => {
    await showBrand(deps, req, res);
  });

  // Every field of the form is sent: an empty one clears that part of the brand (the default applies).
  router.post('/organizations/:slug/brand', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const values = Object.fromEntries(BRAND_FIELDS.map((name) => [name, bodyValue(req, name)])) as BrandFormValues;
    try {
      const view = await branding.set(admin, req.params.slug as string, values);
      done(deps, res, pageOf(view.organization.slug), { kind: 'ok', text: t('console.brand.saved', { name: view.organization.name }) });
    } catch (error) {
      const errors = formErrors(t, error, values, { labels: brandLabels(t) });
      if (!errors) throw error;
      await showBrand(deps, req, res, { values, errors, status: 400 });
    }
  });

  router.post('/organizations/:slug/brand/logo/delete', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const view = await branding.removeLogo(admin, req.params.slug as string);
    done(deps, res, pageOf(view.organization.slug), { kind: 'ok', text: t('console.brand.logoRemoved', { name: view.organization.name }) });
  });

  return router;
}

/**
 * The logo upload (multipart/form-data), mounted before the console's CSRF middleware, which cannot read a multipart
 * body: the administrator is authenticated first, then the form is read as it streams (logoUpload.ts) and its CSRF
 * token checked by that same middleware before any byte of the file is kept. A refusal shows the page with the reason
 * next to the file field, the names and colour as they are.
 */
export function brandLogoUpload(deps: ConsoleDeps, csrf: RequestHandler): Router {
  const router = Router();
  const { branding } = deps.services;

  router.post('/organizations/:slug/brand/logo', requireAdministrator(deps), async (req, res) => {
    const { maxBytes } = branding.logoLimits();
    const upload = await readLogoUpload(req, res, csrf, maxBytes);
    if (upload.outcome === 'csrf') throw new CsrfError();
    const { t, admin } = consoleRequest(req);
    const refuse = (logoError: string, status = 400) => showBrand(deps, req, res, { logoError, status });
    switch (upload.outcome) {
      case 'too_large':
        return refuse(t('console.brand.logoTooLarge', { kib: limitsOf(deps).maxKiB }), 413);
      case 'no_file':
        return refuse(t('console.brand.logoMissing'));
      case 'too_many':
        return refuse(t('console.brand.logoOneFile'));
      case 'malformed':
        return refuse(t('console.brand.logoMalformed'));
    }
    try {
      const view = await branding.setLogo(admin, req.params.slug as string, { bytes: upload.bytes, declaredType: upload.mimeType });
      done(deps, res, pageOf(view.organization.slug), { kind: 'ok', text: t('console.brand.logoSaved', { name: view.organization.name }) });
    } catch (error) {
      if (isDomainError(error) && error.kind === 'invalid') return refuse(error.message);
      throw error;
    }
  });

  return router;
}
