import type { Request, RequestHandler, Response } from 'express';
import type { Settings } from '../../config/schema.js';
import type { SessionCookies } from '../../auth/session.js';
import type { SpCredentials } from '../../auth/saml/spCredentials.js';
import type { Locale } from '../../i18n/locales.js';
import { translator, type Translate } from '../../i18n/translate.js';
import type { AdminPrincipal } from '../../identity/principal.js';
import type { RoleCatalog } from '../../identity/roleCatalog.js';
import type { Services } from '../../identity/services.js';
import { isDomainError } from '../../identity/errors.js';
import type { Logger } from '../../lib/logger.js';
import { form } from '../../pages/forms.js';
import { html, type SafeHtml } from '../../pages/html.js';
import { consoleLayout, type ConsoleSection } from '../../pages/console/layout.js';
import { localeFor, sendPage } from '../../pages/render.js';
import { message } from '../../pages/views/messages.js';
import type { Flash, FlashMessages } from './flash.js';

export interface ConsoleDeps {
  services: Services;
  catalog: RoleCatalog;
  settings: Settings;
  sessions: SessionCookies;
  logger: Logger;
  flash: FlashMessages;
  samlSp: SpCredentials | null;
}

export interface ConsoleRequest {
  admin: AdminPrincipal;
  locale: Locale;
  t: Translate;
  csrf: string;
}

export function consoleRequest(req: Request): ConsoleRequest {
  const locale = localeFor(req);
  return { admin: req.admin!, locale, t: translator(locale), csrf: req.csrfToken?.() ?? '' };
}

export interface ShowInput {
  title: string;
  body: SafeHtml;
  section?: ConsoleSection;
  status?: number;
  /** A message for this page itself (a failed form shows its errors instead). */
  flash?: Flash;
}

/** Renders a console page, with the message left by the previous action, if any. */
export function show(deps: ConsoleDeps, req: Request, res: Response, input: ShowInput): void {
  const { locale, csrf } = consoleRequest(req);
  const flash = input.flash ?? deps.flash.take(req, res);
  sendPage(
    res,
    locale,
    input.status ?? 200,
    consoleLayout({
      locale,
      title: input.title,
      body: input.body,
      path: req.originalUrl,
      ...(input.section ? { section: input.section } : {}),
      ...(req.admin ? { admin: { label: req.admin.label, isPlatformAdmin: req.admin.isPlatformAdmin, csrf } } : {}),
      ...(flash ? { flash } : {}),
    }),
  );
}

/** After an action: the message for the next page, then a redirect (post/redirect/get). */
export function done(deps: ConsoleDeps, res: Response, to: string, flash: Flash): void {
  deps.flash.set(res, flash);
  res.redirect(303, to);
}

/**
 * Runs an action; a refusal of the domain about the input (invalid, conflict…) goes back to `back` with its message at
 * the top of the page. "Not found", "forbidden" (the policy's refusals) and anything unexpected go on to the error
 * handler.
 */
export async function attempt(deps: ConsoleDeps, res: Response, back: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (isDomainError(error) && error.kind !== 'not_found' && error.kind !== 'forbidden') return done(deps, res, back, { kind: 'error', text: error.message });
    throw error;
  }
}

/**
 * Only administrators: anonymous visitors go to sign in and come back; signed-in users who administer nothing get a
 * 403 page. The principal is the same one the admin API uses, so every rule of the domain applies alike.
 */
export function requireAdministrator(deps: ConsoleDeps): RequestHandler {
  return (req, res, next) => {
    (async () => {
      if (req.session?.stage !== 'signed_in') {
        const returnTo = req.method === 'GET' ? req.originalUrl : '/admin';
        return res.redirect(303, `/sign-in?return_to=${encodeURIComponent(returnTo)}`);
      }
      const principal = await deps.services.administrators.principalFor(req.session.userId, { ...(req.ip ? { ip: req.ip } : {}), requestId: req.id });
      if (!principal) {
        const { t, csrf } = consoleRequest(req);
        return show(deps, req, res, {
          title: t('console.forbiddenTitle'),
          status: 403,
          body: html`${message(t('console.forbidden'), { href: '/account', label: t('account.title') })}${form('/sign-out', csrf, html`<p><button type="submit" class="secondary">${t('account.signOut')}</button></p>`)}`,
        });
      }
      req.admin = principal;
      req.adminVia = 'session';
      next();
    })().catch(next);
  };
}

export function isNotFound(error: unknown): boolean {
  return isDomainError(error) && error.kind === 'not_found';
}

/**
 * Where to go after an action on a user: `page` (the user's), or `list` when the action put the user out of the
 * administrator's sight (taken out of the last of its organizations), where the user's page would be "not found".
 */
export async function pageOrList(deps: ConsoleDeps, req: Request, userId: string, page: string, list: string): Promise<string> {
  try {
    await deps.services.accounts.get(req.admin!, userId);
    return page;
  } catch (error) {
    if (isNotFound(error)) return list;
    throw error;
  }
}
