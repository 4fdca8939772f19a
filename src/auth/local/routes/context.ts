import type { Request, Response } from 'express';
import type { Settings } from '../../../config/schema.js';
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
