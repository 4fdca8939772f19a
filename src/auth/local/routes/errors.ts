import type { ErrorRequestHandler, Request, Response } from 'express';
import { isDomainError } from '../../../identity/errors.js';
import { TokenError } from '../../../identity/credentials/oneTimeTokens.js';
import { CsrfError } from '../../../http/csrf.js';
import { RateLimitedError } from '../../../http/rateLimit.js';
import type { Logger } from '../../../lib/logger.js';
import { render } from '../../../pages/render.js';
import { message } from '../../../pages/views/messages.js';
import { linkProblem } from '../../../pages/views/passwords.js';
import { supportContact } from '../../../pages/views/support.js';
import { describePasswordProblem, type PasswordPolicyError } from '../../../identity/credentials/passwords.js';
import type { NewPasswordErrors } from '../../../pages/views/passwords.js';
import { pageRequest, type BrandFor } from './context.js';
import { translator, type Translate } from '../../../i18n/translate.js';
import type { Locale } from '../../../i18n/locales.js';

const LINK_STATUS = { invalid: 404, locked: 403, expired: 410, used: 410, replaced: 410 } as const;

/**
 * The page to show for an activation or reset link that cannot be used, in the brand and with the support contact of
 * the user the link was sent to when the link is a real one (its holder got it in that user's email, so the page
 * reveals nothing new), else of the flow (`?org=`) or the platform's, with the generic advice.
 */
export async function renderLinkProblem(brandFor: BrandFor, req: Request, res: Response, error: TokenError, kind: 'activation' | 'reset', locale: Locale = pageRequest(req).locale): Promise<void> {
  const brand = await brandFor(req, { userId: error.userId ?? undefined });
  const t = translator(locale);
  const page = linkProblem(t, { problem: error.problem, kind, support: supportContact(t, brand.organization) });
  render(req, res, locale, { ...page, brand, supportShown: true, path: req.path, status: LINK_STATUS[error.problem] });
}

/** A refused password, as messages for the form's fields. */
export function passwordErrors(t: Translate, error: PasswordPolicyError): NewPasswordErrors {
  return { password: error.problems.map((p) => describePasswordProblem(t, p)).join(' ') };
}

/** Errors on the hosted pages become pages, never JSON, and never reveal internals. */
export function pagesErrorHandler(logger: Logger, brandFor: BrandFor): ErrorRequestHandler {
  return async (error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof TokenError) return renderLinkProblem(brandFor, req, res, error, req.path.startsWith('/activate') ? 'activation' : 'reset');
    const { t, locale } = pageRequest(req);
    // The brand of the flow the failed request belongs to (brandFor falls back to the platform's on its own failure).
    const brand = await brandFor(req);
    if (error instanceof CsrfError) {
      logger.warn({ path: req.path }, 'CSRF check failed');
      return render(req, res, locale, { brand, title: t('csrf.title'), body: message(t('csrf.body')), path: req.path, status: 403 });
    }
    if (error instanceof RateLimitedError) {
      res.set('Retry-After', String(error.retryAfterSeconds));
      return render(req, res, locale, { brand, title: t('error.tooManyTitle'), body: message(t('error.tooMany', { seconds: error.retryAfterSeconds })), path: req.path, status: 429 });
    }
    const parser = error as { type?: string; status?: number };
    if (parser?.type === 'entity.too.large' || parser?.type === 'entity.parse.failed' || (isDomainError(error) && error.kind === 'invalid')) {
      return render(req, res, locale, { brand, title: t('csrf.title'), body: message(t('csrf.body')), path: req.path, status: 400 });
    }
    logger.error({ err: error, requestId: req.id }, 'page failed');
    render(req, res, locale, { brand, title: t('error.serverTitle'), body: message(t('error.server', { requestId: req.id })), path: req.path, status: 500 });
  };
}
