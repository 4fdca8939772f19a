import { Router } from 'express';
import { TokenError } from '../../../identity/credentials/oneTimeTokens.js';
import { toLocale } from '../../../i18n/locales.js';
import { translator } from '../../../i18n/translate.js';
import { render } from '../../../pages/render.js';
import { activationForm, type NewPasswordErrors } from '../../../pages/views/passwords.js';
import { PasswordPolicyError } from '../../../identity/credentials/passwords.js';
import { brandFinder, clientOf, field, pageRequest, redirect, type PagesDeps } from './context.js';
import { passwordErrors, renderLinkProblem } from './errors.js';

/**
 * The "get started" link: opening it only shows the form (mail scanners open links); the form sets the language and
 * the password, then TOTP enrolment follows when an organization of the user requires it.
 */
export function activationRoutes(deps: PagesDeps): Router {
  const router = Router();
  const { sessions } = deps;
  const { selfService } = deps.services;
  const brandFor = brandFinder(deps);

  async function show(req: Parameters<Parameters<Router['get']>[1]>[0], res: Parameters<Parameters<Router['get']>[1]>[1], token: string, errors: NewPasswordErrors, chosen?: string): Promise<void> {
    let person;
    try {
      person = await selfService.describeActivation(token);
    } catch (error) {
      if (error instanceof TokenError) return renderLinkProblem(brandFor, req, res, error, 'activation');
      throw error;
    }
    const { locale, csrf } = pageRequest(req, chosen ?? person.locale ?? null);
    const t = translator(locale);
    const status = Object.keys(errors).length ? 400 : 200;
    render(req, res, locale, {
      // The link was sent to this person: their organization's brand.
      brand: await brandFor(req, { userId: person.userId }),
      title: t('activate.title'),
      path: `/activate?token=${encodeURIComponent(token)}`,
      status,
      body: activationForm(t, { csrf, token, name: person.name, userName: person.email, locale, minLength: deps.settings.password.minLength, errors }),
    });
  }

  router.get('/activate', async (req, res) => {
    res.set('Referrer-Policy', 'no-referrer');
    await show(req, res, typeof req.query.token === 'string' ? req.query.token : '', {});
  });

  router.post('/activate', async (req, res) => {
    const token = field(req, 'token');
    const language = toLocale(field(req, 'language')) ?? pageRequest(req).locale;
    const t = translator(language);
    const password = field(req, 'password');
    if (!password) return show(req, res, token, { password: t('password.required') }, language);
    if (password !== field(req, 'confirm')) return show(req, res, token, { confirm: t('password.mismatch') }, language);
    let result;
    try {
      result = await selfService.activate({ token, password, language });
    } catch (error) {
      if (error instanceof PasswordPolicyError) return show(req, res, token, passwordErrors(t, error), language);
      if (error instanceof TokenError) return renderLinkProblem(brandFor, req, res, error, 'activation', language);
      throw error;
    }
    if (result.mfaRequired) {
      await sessions.start(req, res, { userId: result.userId, stage: 'enrol_totp', data: { methods: ['pwd'] } });
      return redirect(res, '/sign-in/enrol');
    }
    const user = await selfService.completeSignIn(result.userId, ['pwd'], clientOf(req));
    if (!user) return redirect(res, '/sign-in');
    await sessions.start(req, res, { userId: result.userId, stage: 'signed_in', data: { methods: ['pwd'] } });
    redirect(res, '/account?notice=activated');
  });

  return router;
}
