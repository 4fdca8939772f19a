import type { Request, Response } from 'express';
import type { Settings } from '../../../config/schema.js';
import { isSlugLike, type ResolvedBrand } from '../../../identity/branding/brands.js';
import { selfPrincipal, type SelfPrincipal } from '../../../identity/principal.js';
import type { Services } from '../../../identity/services.js';
import type { Locale } from '../../../i18n/locales.js';
import type { Translate } from '../../../i18n/translate.js';
import type { Logger } from '../../../lib/logger.js';
import { localeFor, t as translatorFor } from '../../../pages/render.js';
import type { SessionCookies } from '../../session.js';

/** What the hosted pages need. */
export interface PagesDeps {
  services: Services;
  settings: Settings;
  sessions: SessionCookies;
  logger: Logger;
  /** Where to send a user who signs out of a session that an IdP opened (its logout endpoint), if anywhere. */
  federatedSignOut?: (req: Request) => Promise<string | null>;
  /**
   * The portal application (OIDC client id) a return address goes back to: the client of a pending
   * /oidc/interaction/<uid>, as the OIDC edge knows it; null for any other address.
   */
  portalOf?: (returnTo: string) => Promise<string | null>;
}

export interface PageRequest {
  locale: Locale;
  t: Translate;
  csrf: string;
}

export function pageRequest(req: Request, userPreference?: string | null): PageRequest {
  const locale = localeFor(req, userPreference);
  return { locale, t: translatorFor(locale), csrf: req.csrfToken?.() ?? '' };
}

/** A same-site path to return to after signing in; anything else (absolute URLs, //host, backslashes) is dropped. */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\r\n]/.test(value)) return undefined;
  return value;
}

/** An organization hint (`?org=slug`): the organization the sign-in page was opened for, never derived from an account. */
export function orgHint(value: unknown): string | undefined {
  return isSlugLike(value) ? value : undefined;
}

/** The brand of a page (`known.userId`: the person a link or a step has established, never a typed identifier). */
export type BrandFor = (req: Request, known?: { userId?: string | undefined }) => Promise<ResolvedBrand>;

/**
 * Decides the brand of a page from what its flow carries: the portal the sign-in returns to (`return_to` of the query,
 * the form or the session), the SAML directory of a signed-in SSO session, the person once established (`known`, or
 * the session's user, as the domain decides), and the `?org=` hint (query, form or session); the domain weighs them
 * (services.branding.forPage). An identifier typed into a form is never one of them, so a page before the password
 * reads the same whether or not the account exists. The platform's brand when the lookup fails.
 */
export function brandFinder(deps: PagesDeps): BrandFor {
  const { branding } = deps.services;
  return async (req, known = {}) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const data = req.session?.data ?? {};
    const returnTo = safeReturnTo(req.query.return_to) ?? safeReturnTo(body.return_to) ?? safeReturnTo(data.returnTo);
    try {
      const clientId = returnTo && deps.portalOf ? await deps.portalOf(returnTo) : null;
      const directoryId = (data.saml as { directoryId?: unknown } | undefined)?.directoryId;
      return await branding.forPage({
        clientId: clientId ?? undefined,
        directoryId: typeof directoryId === 'string' ? directoryId : undefined,
        userId: known.userId,
        session: req.session ? { userId: req.session.userId, stage: req.session.stage } : undefined,
        organizationHint: orgHint(req.query.org) ?? orgHint(body.org) ?? orgHint(data.org),
      });
    } catch (error) {
      deps.logger.error({ err: error, requestId: req.id }, 'could not decide the brand of a page');
      return branding.platform();
    }
  };
}

export function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export function clientOf(req: Request): { ip?: string; requestId: string } {
  return { ...(req.ip ? { ip: req.ip } : {}), requestId: req.id };
}

/** The user of the request's session (signed in, or part way through signing in), as the principal of their acts. */
export function sessionUser(req: Request): SelfPrincipal {
  return selfPrincipal(req.session!.userId, clientOf(req));
}

/** Waits until `ms` have passed since `started`: answers that must not reveal work done take the same time. */
export async function padTo(started: number, ms: number): Promise<void> {
  const left = started + ms - Date.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}

export function redirect(res: Response, to: string): void {
  res.redirect(303, to);
}
