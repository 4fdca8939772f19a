import { Router, type Request, type Response } from 'express';
import QRCode from 'qrcode';
import { readCookies } from '../../../http/cookies.js';
import { rateLimit } from '../../../http/rateLimit.js';
import { OIDC_SESSION_COOKIE } from '../../../oidc/provider.js';
import { MINUTE } from '../../../lib/clock.js';
import { render } from '../../../pages/render.js';
import { enrolment, recoveryCodes } from '../../../pages/views/enrol.js';
import { expiredPasswordForm, lockedAccount } from '../../../pages/views/passwords.js';
import { supportContact } from '../../../pages/views/support.js';
import { identifierStep, passwordStep, totpStep } from '../../../pages/views/signIn.js';
import { message } from '../../../pages/views/messages.js';
import type { SessionStage } from '../../../identity/sessions.js';
import { PasswordPolicyError } from '../../../identity/credentials/passwords.js';
import type { NextStep } from '../../../identity/selfService/signIn.js';
import { brandFinder, clientOf, field, orgHint, padTo, pageRequest, redirect, safeReturnTo, sessionUser, type PagesDeps } from './context.js';
import { passwordErrors } from './errors.js';

/** Every failed password sign-in answers after at least this long, so that timing does not tell known accounts. */
const FAILED_SIGN_IN_ANSWER_MS = 350;

const STAGE_PATH: Record<Exclude<NextStep, 'signed_in'>, string> = { totp: '/sign-in/totp', enrol_totp: '/sign-in/enrol', new_password: '/sign-in/new-password' };

const NOTICES: Record<string, 'signIn.signedOut' | 'signIn.passwordReset' | 'signIn.sessionExpired'> = {
  signed_out: 'signIn.signedOut',
  password_reset: 'signIn.passwordReset',
  session_expired: 'signIn.sessionExpired',
};

/** What a signed-in session keeps of its sign-in: how (methods), and the organization hint it was for (its brand). */
function signedInData(data: Record<string, unknown>): Record<string, unknown> {
  const org = orgHint(data.org);
  return { methods: data.methods, ...(org ? { org } : {}) };
}

/** Where to go once signed in: the page the user came for, else the account page. */
function destination(data: Record<string, unknown> | undefined): string {
  return safeReturnTo(data?.returnTo) ?? '/account';
}

/**
 * Sign-in: identifier, password, then the second factor, TOTP enrolment or a new password as the account needs.
 * Each step gets a new session id; only the last one is signed in. Every step shows the brand of the flow: the portal
 * it returns to, the `?org=` hint (both kept through the steps), and past the password the person's own.
 */
export function signInRoutes(deps: PagesDeps): Router {
  const router = Router();
  const { sessions } = deps;
  const { selfService, saml } = deps.services;
  const brandFor = brandFinder(deps);
  const attempts = rateLimit(deps.services.rateLimits.count, { name: 'sign-in', limit: deps.settings.rateLimit.signInPerMinute, windowMs: MINUTE });

  /** Moves a user whose credentials were accepted to the next step, or signs them in. */
  async function advance(req: Request, res: Response, userId: string, next: NextStep, data: Record<string, unknown>): Promise<void> {
    if (next !== 'signed_in') {
      await sessions.start(req, res, { userId, stage: next, data });
      return redirect(res, STAGE_PATH[next]);
    }
    // The signed-in session starts in the transaction that records the sign-in (selfService/signIn.ts, recordSignIn,
    // says why).
    const user = await selfService.completeSignIn(userId, (data.methods as string[] | undefined) ?? ['pwd'], clientOf(req), { replaces: req.session?.id, data: signedInData(data) });
    if (!user?.session) {
      await sessions.end(req, res);
      return redirect(res, '/sign-in');
    }
    sessions.adopt(req, res, user.session);
    redirect(res, destination(data));
  }

  /** The session of a user in the middle of `stage`, or a redirect to the start. */
  function pending(req: Request, res: Response, stage: SessionStage): NonNullable<Request['session']> | null {
    if (req.session?.stage === stage) return req.session;
    redirect(res, req.session?.stage === 'signed_in' ? '/account' : '/sign-in?notice=session_expired');
    return null;
  }

  router.get('/sign-in', async (req, res) => {
    const returnTo = safeReturnTo(req.query.return_to);
    if (req.session?.stage === 'signed_in') return redirect(res, returnTo ?? '/account');
    const { t, locale, csrf } = pageRequest(req);
    const notice = NOTICES[String(req.query.notice)];
    const org = orgHint(req.query.org);
    render(req, res, locale, { brand: await brandFor(req), title: t('signIn.title'), path: req.originalUrl, body: identifierStep(t, { csrf, ...(returnTo ? { returnTo } : {}), ...(org ? { org } : {}) }), ...(notice ? { notice: t(notice) } : {}) });
  });

  router.post('/sign-in', async (req, res) => {
    const { t, locale, csrf } = pageRequest(req);
    const identifier = field(req, 'identifier').trim();
    const returnTo = safeReturnTo(field(req, 'return_to'));
    const org = orgHint(field(req, 'org'));
    const extra = { ...(returnTo ? { returnTo } : {}), ...(org ? { org } : {}) };
    // The flow's brand (portal, hint), never the typed identifier's: the next page must not tell known accounts.
    const brand = await brandFor(req);
    if (!identifier) return render(req, res, locale, { brand, title: t('signIn.title'), path: '/sign-in', status: 400, body: identifierStep(t, { csrf, error: t('signIn.identifierRequired'), ...extra }) });
    // An address of a domain that belongs to an SSO directory signs in at that directory's IdP.
    const sso = await saml.directoryForEmail(identifier);
    if (sso) {
      // A page in between rather than a redirect: the IdP is another origin, and a form may only lead to ours.
      const to = `/saml/${encodeURIComponent(sso.name)}/login${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`;
      return render(req, res, locale, { brand, title: t('sso.title'), path: '/sign-in', refreshTo: to, body: message(t('sso.body'), { href: to, label: t('sso.continue') }) });
    }
    render(req, res, locale, { brand, title: t('signIn.title'), path: '/sign-in', body: passwordStep(t, { csrf, identifier, ...extra }) });
  });

  router.post('/sign-in/password', attempts, async (req, res) => {
    const started = Date.now();
    const identifier = field(req, 'identifier').trim();
    const returnTo = safeReturnTo(field(req, 'return_to'));
    const org = orgHint(field(req, 'org'));
    // A sign-in that needs no further step is completed, its session started, in the transaction that settles the
    // password (signInWithPassword says why it matters).
    const signedIn = { replaces: req.session?.id, data: signedInData({ methods: ['pwd'], org }) };
    const result = await selfService.signInWithPassword({ identifier, password: field(req, 'password'), ...clientOf(req) }, signedIn);
    if (!result.ok) {
      // The brand, and so whom to ask, come from the flow (portal, hint) only, never from the account: the answer must
      // read the same whether or not the account exists.
      const brand = await brandFor(req);
      // A known account does more work on failure (counting it, auditing it): the answer waits for the floor.
      await padTo(started, FAILED_SIGN_IN_ANSWER_MS);
      const { t, locale, csrf } = pageRequest(req);
      const extra = { ...(returnTo ? { returnTo } : {}), ...(org ? { org } : {}) };
      return render(req, res, locale, { brand, supportShown: true, title: t('signIn.title'), path: '/sign-in', status: 401, body: passwordStep(t, { csrf, identifier, error: t('signIn.failed'), support: supportContact(t, brand.organization), ...extra }) });
    }
    const data = { methods: ['pwd'], ...(returnTo ? { returnTo } : {}), ...(org ? { org } : {}) };
    if (!result.completed?.session) return advance(req, res, result.userId, result.next, data);
    sessions.adopt(req, res, result.completed.session);
    redirect(res, destination(data));
  });

  router.get('/sign-in/totp', async (req, res) => {
    if (!pending(req, res, 'totp')) return;
    const { t, locale, csrf } = pageRequest(req);
    render(req, res, locale, { brand: await brandFor(req), title: t('totp.title'), path: '/sign-in/totp', body: totpStep(t, { csrf }) });
  });

  for (const [path, recovery] of [['/sign-in/totp', false], ['/sign-in/recovery', true]] as const) {
    router.post(path, attempts, async (req, res) => {
      const session = pending(req, res, 'totp');
      if (!session) return;
      const code = field(req, recovery ? 'recovery' : 'code');
      if (await selfService.verifySecondFactor({ userId: session.userId, code, recovery, ...clientOf(req) })) {
        return advance(req, res, session.userId, 'signed_in', { ...session.data, methods: ['pwd', recovery ? 'recovery_code' : 'otp'] });
      }
      const { t, locale, csrf } = pageRequest(req);
      // Past the password, the user is known to be the account's: a lock (this failure's, or an administrator's) is
      // said as such, with whom to ask.
      const lock = await selfService.signInLock(session.userId);
      const brand = await brandFor(req);
      if (lock) {
        await sessions.end(req, res);
        return render(req, res, locale, { brand, supportShown: true, title: t('locked.title'), path: '/sign-in', status: 403, body: lockedAccount(t, { ...lock, support: supportContact(t, brand.organization) }) });
      }
      render(req, res, locale, { brand, title: t('totp.title'), path: '/sign-in/totp', status: 401, body: totpStep(t, { csrf, ...(recovery ? { recoveryError: t('totp.recoveryInvalid') } : { error: t('totp.invalid') }) }) });
    });
  }

  async function enrolPage(req: Request, res: Response, error?: string): Promise<void> {
    const { t, locale, csrf } = pageRequest(req);
    // The authenticator names the organization the page speaks for (the portal's, the hinted one, else the user's).
    const brand = await brandFor(req);
    const view = await selfService.startTotpEnrolment(sessionUser(req), { organizationId: brand.organization?.id ?? null });
    const qrSvg = await QRCode.toString(view.uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    render(req, res, locale, { brand, title: t('enrol.title'), path: '/sign-in/enrol', ...(error ? { status: 400 } : {}), body: enrolment(t, { csrf, action: '/sign-in/enrol', qrSvg, secret: view.secret, account: view.account, required: true, ...(error ? { error } : {}) }) });
  }

  router.get('/sign-in/enrol', async (req, res) => {
    const session = pending(req, res, 'enrol_totp');
    if (session) await enrolPage(req, res);
  });

  router.post('/sign-in/enrol', attempts, async (req, res) => {
    const session = pending(req, res, 'enrol_totp');
    if (!session) return;
    const codes = await selfService.confirmTotpEnrolment(sessionUser(req), field(req, 'code'));
    if (!codes) return enrolPage(req, res, pageRequest(req).t('totp.invalid'));
    const methods = [...((session.data.methods as string[] | undefined) ?? ['pwd']), 'otp'];
    // Decided while the pending session (and the flow it carries) is still the request's.
    const brand = await brandFor(req);
    const user = await selfService.completeSignIn(session.userId, methods, clientOf(req), { replaces: session.id, data: signedInData({ ...session.data, methods }) });
    if (!user?.session) {
      await sessions.end(req, res);
      return redirect(res, '/sign-in');
    }
    sessions.adopt(req, res, user.session);
    const { t, locale } = pageRequest(req, user.preferredLanguage);
    render(req, res, locale, { brand, title: t('recovery.title'), path: '/account', notice: t('account.mfaEnrolled'), body: recoveryCodes(t, { codes, continueTo: destination(session.data) }) });
  });

  router.get('/sign-in/new-password', async (req, res) => {
    if (!pending(req, res, 'new_password')) return;
    const { t, locale, csrf } = pageRequest(req);
    render(req, res, locale, { brand: await brandFor(req), title: t('expired.title'), path: '/sign-in/new-password', body: expiredPasswordForm(t, { csrf, minLength: deps.settings.password.minLength, errors: {} }) });
  });

  router.post('/sign-in/new-password', async (req, res) => {
    const session = pending(req, res, 'new_password');
    if (!session) return;
    const { t, locale, csrf } = pageRequest(req);
    const password = field(req, 'password');
    const brand = await brandFor(req);
    const show = (errors: Record<string, string>) =>
      render(req, res, locale, { brand, title: t('expired.title'), path: '/sign-in/new-password', status: 400, body: expiredPasswordForm(t, { csrf, minLength: deps.settings.password.minLength, errors }) });
    if (!password) return show({ password: t('password.required') });
    if (password !== field(req, 'confirm')) return show({ confirm: t('password.mismatch') });
    try {
      const next = await selfService.renewExpiredPassword(sessionUser(req), { newPassword: password, locale });
      await advance(req, res, session.userId, next, session.data);
    } catch (error) {
      if (error instanceof PasswordPolicyError) return show({ ...passwordErrors(t, error) });
      throw error;
    }
  });

  router.post('/sign-out', async (req, res) => {
    const idpLogout = req.session ? await deps.federatedSignOut?.(req).catch(() => null) : null;
    // The sign-out notice keeps the flow's organization hint; the IdP's page in between, the brand of the session.
    const org = orgHint(req.session?.data.org);
    const brand = idpLogout ? await brandFor(req) : null;
    // The portals' OpenID Connect session of this browser ends with it (and the portals that asked are told).
    if (req.session) await selfService.signOut({ sessionId: req.session.id, portalSessionId: readCookies(req)[OIDC_SESSION_COOKIE] });
    await sessions.end(req, res);
    if (!idpLogout || !brand) return redirect(res, `/sign-in?notice=signed_out${org ? `&org=${org}` : ''}`);
    const { t, locale } = pageRequest(req);
    render(req, res, locale, { brand, title: t('signOut.idpTitle'), path: '/sign-in', refreshTo: idpLogout, body: message(t('signOut.idpBody'), { href: idpLogout, label: t('signOut.continue') }) });
  });

  return router;
}
