import { Router, type NextFunction, type Request, type Response } from 'express';
import QRCode from 'qrcode';
import { isDomainError } from '../../../identity/errors.js';
import { toLocale } from '../../../i18n/locales.js';
import { translator } from '../../../i18n/translate.js';
import { setCookie } from '../../../http/cookies.js';
import { render } from '../../../pages/render.js';
import { accountPage } from '../../../pages/views/account.js';
import { enrolment } from '../../../pages/views/enrol.js';
import type { NewPasswordErrors } from '../../../pages/views/passwords.js';
import { PasswordPolicyError } from '../../../identity/credentials/passwords.js';
import { brandFinder, field, pageRequest, redirect, sessionUser, type PagesDeps } from './context.js';
import { passwordErrors } from './errors.js';

const NOTICES = { activated: 'account.activated', language: 'account.languageSaved', password_changed: 'account.passwordChanged', mfa: 'account.mfaEnrolled' } as const;

/** The signed-in user's own page: profile, language, password, two-step verification, sign-out. */
export function accountRoutes(deps: PagesDeps): Router {
  const router = Router();
  const { selfService } = deps.services;
  const brandFor = brandFinder(deps);

  function requireSignedIn(req: Request, res: Response, next: NextFunction): void {
    if (req.session?.stage === 'signed_in') return next();
    redirect(res, `/sign-in?return_to=${encodeURIComponent(req.originalUrl)}`);
  }

  async function show(req: Request, res: Response, extra: { status?: number; notice?: string; passwordErrors?: NewPasswordErrors; newCodes?: string[] } = {}): Promise<void> {
    const { user, mfaEnrolled, recoveryCodesLeft, localAccount } = await selfService.overview(sessionUser(req));
    const { locale, csrf } = pageRequest(req, user.preferredLanguage);
    const t = translator(locale);
    const noticeKey = NOTICES[String(req.query.notice) as keyof typeof NOTICES] as (typeof NOTICES)[keyof typeof NOTICES] | undefined;
    const notice = extra.notice ?? (noticeKey ? t(noticeKey) : undefined);
    render(req, res, locale, {
      brand: await brandFor(req),
      title: t('account.title'),
      path: '/account',
      ...(extra.status ? { status: extra.status } : {}),
      ...(notice ? { notice } : {}),
      signedInName: user.userName,
      body: accountPage(t, {
        csrf,
        user,
        locale,
        mfaEnrolled,
        recoveryCodesLeft,
        minLength: deps.settings.password.minLength,
        localAccount,
        ...(extra.passwordErrors ? { passwordErrors: extra.passwordErrors } : {}),
        ...(extra.newCodes ? { newCodes: extra.newCodes } : {}),
      }),
    });
  }

  router.use('/account', requireSignedIn);

  router.get('/account', async (req, res) => show(req, res));

  router.post('/account/language', async (req, res) => {
    const language = toLocale(field(req, 'language'));
    if (language) {
      await selfService.chooseLanguage(sessionUser(req), language);
      setCookie(res, deps.sessions.policy, 'idb_lang', language, 365 * 24 * 3600 * 1000);
    }
    redirect(res, '/account?notice=language');
  });

  router.post('/account/password', async (req, res) => {
    const { user } = await selfService.overview(sessionUser(req));
    const t = translator(pageRequest(req, user.preferredLanguage).locale);
    const password = field(req, 'password');
    if (!password) return show(req, res, { status: 400, passwordErrors: { password: t('password.required') } });
    if (password !== field(req, 'confirm')) return show(req, res, { status: 400, passwordErrors: { confirm: t('password.mismatch') } });
    try {
      await selfService.changePassword(sessionUser(req), { currentPassword: field(req, 'currentPassword'), newPassword: password, keepSessionId: req.session!.id, locale: pageRequest(req, user.preferredLanguage).locale });
    } catch (error) {
      if (error instanceof PasswordPolicyError) return show(req, res, { status: 400, passwordErrors: passwordErrors(t, error) });
      if (isDomainError(error) && error.code === 'password.current_wrong') return show(req, res, { status: 400, passwordErrors: { currentPassword: t('account.currentWrong') } });
      throw error;
    }
    redirect(res, '/account?notice=password_changed');
  });

  async function enrolPage(req: Request, res: Response, error?: string): Promise<void> {
    const { user } = await selfService.overview(sessionUser(req));
    const { locale, csrf } = pageRequest(req, user.preferredLanguage);
    const t = translator(locale);
    // The authenticator names the organization the page speaks for (the portal's, the hinted one, else the user's).
    const brand = await brandFor(req);
    const view = await selfService.startTotpEnrolment(sessionUser(req), { organizationId: brand.organization?.id ?? null });
    const qrSvg = await QRCode.toString(view.uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    render(req, res, locale, { brand, title: t('enrol.title'), path: '/account/mfa', signedInName: user.userName, ...(error ? { status: 400 } : {}), body: enrolment(t, { csrf, action: '/account/mfa', qrSvg, secret: view.secret, account: view.account, required: false, ...(error ? { error } : {}) }) });
  }

  router.get('/account/mfa', async (req, res) => {
    if ((await selfService.overview(sessionUser(req))).mfaEnrolled) return redirect(res, '/account#mfa');
    await enrolPage(req, res);
  });

  router.post('/account/mfa', async (req, res) => {
    const codes = await selfService.confirmTotpEnrolment(sessionUser(req), field(req, 'code'));
    if (!codes) return enrolPage(req, res, translator(pageRequest(req).locale)('totp.invalid'));
    const t = translator(pageRequest(req).locale);
    await show(req, res, { notice: t('account.mfaEnrolled'), newCodes: codes });
  });

  router.post('/account/recovery-codes', async (req, res) => {
    const codes = await selfService.regenerateRecoveryCodes(sessionUser(req));
    const t = translator(pageRequest(req).locale);
    await show(req, res, { notice: t('account.regenerated'), newCodes: codes });
  });

  return router;
}
