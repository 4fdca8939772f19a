import { Router, type Request, type Response } from 'express';
import { rateLimit } from '../../../http/rateLimit.js';
import { TokenError } from '../../../identity/credentials/oneTimeTokens.js';
import { translator } from '../../../i18n/translate.js';
import type { Locale } from '../../../i18n/locales.js';
import { HOUR } from '../../../lib/clock.js';
import { render } from '../../../pages/render.js';
import { forgotForm, forgotSent, resetForm, type NewPasswordErrors } from '../../../pages/views/passwords.js';
import { PasswordPolicyError } from '../../../identity/credentials/passwords.js';
import { brandFinder, clientOf, field, orgHint, padTo, pageRequest, redirect, type PagesDeps } from './context.js';
import { passwordErrors, renderLinkProblem } from './errors.js';

/** Every "forgot password" answer takes at least this long, whether or not an email was queued. */
const FORGOT_ANSWER_MS = 400;

export function passwordRoutes(deps: PagesDeps): Router {
  const router = Router();
  const { selfService } = deps.services;
  const brandFor = brandFinder(deps);
  const emails = rateLimit(deps.services.rateLimits.count, { name: 'email', limit: deps.settings.rateLimit.emailPerHour, windowMs: HOUR });

  // The page of the organization it was opened for (?org=, kept in the form), never of the address typed.
  router.get('/password/forgot', async (req, res) => {
    const { t, locale, csrf } = pageRequest(req);
    const org = orgHint(req.query.org);
    render(req, res, locale, { brand: await brandFor(req), title: t('forgot.title'), path: req.originalUrl, body: forgotForm(t, { csrf, ...(org ? { org } : {}) }) });
  });

  router.post('/password/forgot', emails, async (req, res) => {
    const started = Date.now();
    const { t, locale, csrf } = pageRequest(req);
    const email = field(req, 'email').trim();
    const org = orgHint(field(req, 'org'));
    const brand = await brandFor(req);
    if (!email) return render(req, res, locale, { brand, title: t('forgot.title'), path: '/password/forgot', status: 400, body: forgotForm(t, { csrf, error: t('forgot.emailRequired'), ...(org ? { org } : {}) }) });
    try {
      await selfService.requestPasswordReset({ email, ...clientOf(req) });
    } catch (error) {
      deps.logger.error({ err: error }, 'password reset request failed');
    }
    await padTo(started, FORGOT_ANSWER_MS);
    render(req, res, locale, { brand, title: t('forgot.sentTitle'), path: '/password/forgot', body: forgotSent(t, org) });
  });

  async function showReset(req: Request, res: Response, token: string, errors: NewPasswordErrors): Promise<void> {
    let link;
    try {
      link = await selfService.describeResetLink(token);
    } catch (error) {
      if (error instanceof TokenError) return renderLinkProblem(brandFor, req, res, error, 'reset');
      throw error;
    }
    const { locale, csrf } = pageRequest(req, link.locale);
    const t = translator(locale);
    render(req, res, locale, {
      // The link was sent to this person: their organization's brand.
      brand: await brandFor(req, { userId: link.userId }),
      title: t('reset.title'),
      path: `/password/reset?token=${encodeURIComponent(token)}`,
      status: Object.keys(errors).length ? 400 : 200,
      body: resetForm(t, { csrf, token, minLength: deps.settings.password.minLength, errors }),
    });
  }

  router.get('/password/reset', async (req, res) => {
    await showReset(req, res, typeof req.query.token === 'string' ? req.query.token : '', {});
  });

  router.post('/password/reset', async (req, res) => {
    const token = field(req, 'token');
    const password = field(req, 'password');
    const locale: Locale = pageRequest(req).locale;
    const t = translator(locale);
    if (!password) return showReset(req, res, token, { password: t('password.required') });
    if (password !== field(req, 'confirm')) return showReset(req, res, token, { confirm: t('password.mismatch') });
    try {
      await selfService.completePasswordReset({ token, password, locale, ...clientOf(req) });
    } catch (error) {
      if (error instanceof PasswordPolicyError) return showReset(req, res, token, passwordErrors(t, error));
      if (error instanceof TokenError) return renderLinkProblem(brandFor, req, res, error, 'reset');
      throw error;
    }
    if (req.session) await deps.sessions.end(req, res);
    redirect(res, '/sign-in?notice=password_reset');
  });

  return router;
}
