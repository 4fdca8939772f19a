import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import type { Services } from '../identity/services.js';
import { csrfProtection } from '../http/csrf.js';
import type { SessionCookies } from '../auth/session.js';
import type { Logger } from '../lib/logger.js';
import { localeFor, render } from '../pages/render.js';
import { message } from '../pages/views/messages.js';
import { translator } from '../i18n/translate.js';
import { interactionClient } from './interactionClient.js';
import { consentBody } from './pages.js';
import { OIDC_PREFIX } from './provider.js';

export interface OidcRoutesDeps {
  services: Services;
  provider: Provider;
  sessions: SessionCookies;
  logger: Logger;
  secret: string;
  sessionCookie: string;
}

type ClientExtras = { clientId: string; clientName?: string; idbridge_first_party?: boolean; idbridge_organizations?: string[] };

/**
 * The OpenID Connect endpoints (oidc-provider) and their interactions: login is idbridge's own sign-in (the
 * interaction sends the browser there and back), consent is skipped for first-party clients and asked otherwise.
 */
export function oidcRoutes(deps: OidcRoutesDeps): Router {
  const { services, provider, sessions } = deps;
  const router = Router();
  const interactions = Router();
  const csrf = csrfProtection({ secret: deps.secret, cookies: sessions.policy, sessionId: (req) => req.session?.id });

  // A successful RP-initiated logout ends the idbridge session too, before oidc-provider answers.
  provider.use(async (koa, next) => {
    await next();
    if (koa.method === 'POST' && koa.path === `${OIDC_PREFIX}/session/end/confirm` && koa.status >= 300 && koa.status < 400) {
      const session = await services.sessions.find(koa.cookies.get(deps.sessionCookie) ?? undefined);
      if (session) await services.sessions.destroy(session.id);
    }
  });

  interactions.use(`${OIDC_PREFIX}/interaction`, express.urlencoded({ extended: false, limit: '8kb' }), sessions.middleware(), csrf);

  async function grantFor(details: Awaited<ReturnType<Provider['interactionDetails']>>, accountId: string): Promise<string> {
    const { Grant } = provider;
    const grant = details.grantId ? ((await Grant.find(details.grantId)) ?? new Grant({ accountId, clientId: String(details.params.client_id) })) : new Grant({ accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    return grant.save();
  }

  const clientOfPath = interactionClient(provider);

  /** The brand of an interaction's page: its portal's (the client registered for one organization), else the platform's. */
  async function brandOf(clientId: string | null | undefined) {
    return services.branding.forPage({ clientId: clientId ?? undefined }).catch(() => services.branding.platform());
  }

  async function noAccess(req: Request, res: Response, clientId?: string): Promise<void> {
    const locale = localeFor(req);
    const t = translator(locale);
    render(req, res, locale, { brand: await brandOf(clientId), title: t('oidc.noAccessTitle'), body: message(t('oidc.noAccess')), path: '/sign-in', status: 403 });
  }

  interactions.get(`${OIDC_PREFIX}/interaction/:uid`, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const client = (await provider.Client.find(String(details.params.client_id))) as unknown as ClientExtras | undefined;
    if (!client) return noAccess(req, res);
    if (details.prompt.name === 'login') {
      if (req.session?.stage !== 'signed_in') {
        return res.redirect(303, `/sign-in?return_to=${encodeURIComponent(`${OIDC_PREFIX}/interaction/${details.uid}`)}`);
      }
      if (!(await services.oidcAccounts.mayUseClient(req.session.userId, client.idbridge_organizations ?? []))) {
        return noAccess(req, res, client.clientId);
      }
      const amr = (req.session.data.methods as string[] | undefined) ?? ['pwd'];
      return provider.interactionFinished(req, res, { login: { accountId: req.session.userId, amr, remember: false } }, { mergeWithLastSubmission: false });
    }
    if (details.prompt.name === 'consent') {
      const accountId = details.session?.accountId;
      if (!accountId) return res.redirect(303, '/sign-in');
      if (client.idbridge_first_party) {
        return provider.interactionFinished(req, res, { consent: { grantId: await grantFor(details, accountId) } }, { mergeWithLastSubmission: true });
      }
      const locale = localeFor(req);
      const t = translator(locale);
      const scopes = String(details.params.scope ?? '').split(' ');
      return render(req, res, locale, { brand: await brandOf(client.clientId), title: t('oidc.consentTitle'), path: req.path, body: consentBody(locale, { clientName: client.clientName ?? client.clientId, scopes, csrf: req.csrfToken?.() ?? '', uid: details.uid }) });
    }
    res.status(400).end();
  });

  interactions.post(`${OIDC_PREFIX}/interaction/:uid/consent`, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const accountId = details.session?.accountId;
    if (details.prompt.name !== 'consent' || !accountId || req.session?.userId !== accountId) return res.redirect(303, '/sign-in');
    await provider.interactionFinished(req, res, { consent: { grantId: await grantFor(details, accountId) } }, { mergeWithLastSubmission: true });
  });

  interactions.post(`${OIDC_PREFIX}/interaction/:uid/abort`, async (req, res) => {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user denied access.' }, { mergeWithLastSubmission: false });
  });

  interactions.use(`${OIDC_PREFIX}/interaction`, (async (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = (error as { statusCode?: number; status?: number }).statusCode ?? (error as { status?: number }).status ?? 500;
    if (status >= 500) deps.logger.error({ err: error, requestId: req.id }, 'OIDC interaction failed');
    const locale = localeFor(req);
    const t = translator(locale);
    const brand = await brandOf(await clientOfPath(req.originalUrl).catch(() => null));
    render(req, res, locale, { brand, title: t('oidc.errorTitle'), body: message(t('oidc.error')), path: '/sign-in', status: status >= 500 ? 500 : 400 });
  }) as ErrorRequestHandler);

  router.use(interactions);
  const callback = provider.callback();
  router.use((req, res, next) => {
    if (req.path === '/.well-known/openid-configuration' || (req.path.startsWith(`${OIDC_PREFIX}/`) && !req.path.startsWith(`${OIDC_PREFIX}/interaction/`))) {
      return void callback(req, res);
    }
    next();
  });
  return router;
}
