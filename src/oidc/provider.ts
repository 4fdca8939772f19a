import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Settings } from '../config/schema.js';
import type { Services } from '../identity/services.js';
import { parseAcceptLanguage, pickLocale } from '../i18n/locales.js';
import type { Logger } from '../lib/logger.js';
import type { PrivateJwk } from './keys.js';
import { errorPage, loggedOutPage, logoutPage } from './pages.js';

export const OIDC_PREFIX = '/oidc';

/** oidc-provider's session cookie (its default name): idbridge's sign-out ends the portals' session it names. */
export const OIDC_SESSION_COOKIE = '_session';

export interface ProviderDeps {
  services: Services;
  /** oidc-provider's storage (deps.ts builds it on idbridge's database). */
  adapter: unknown;
  settings: Settings;
  logger: Logger;
  keys: PrivateJwk[];
  cookieSecret: string;
  /** The name of idbridge's own session cookie (with the __Host- prefix behind TLS). */
  sessionCookie: string;
}

function localeOf(ctx: KoaContextWithOIDC) {
  return pickLocale(parseAcceptLanguage(ctx.get('accept-language')));
}

/** The brand of a page oidc-provider shows: the portal's (its client, when the request names one), else the platform's. */
async function brandOf(services: Services, ctx: KoaContextWithOIDC) {
  const clientId = (ctx.oidc?.client as { clientId?: string } | undefined)?.clientId;
  return services.branding.forPage({ clientId }).catch(() => services.branding.platform());
}

/**
 * The OpenID Connect provider of the portal applications: authorization code with PKCE (S256 required), refresh
 * tokens (rotated), RP-initiated logout, discovery and JWKS, with issuer PUBLIC_URL and every artefact stored in
 * idbridge's database. Sign-in happens on idbridge's own pages (password + TOTP, or SAML), through interactions.
 */
export function createOidcProvider(deps: ProviderDeps): Provider {
  const { services, settings } = deps;

  /** The signed-in idbridge session of the browser, for the account oidc-provider remembers (if any). */
  async function idbridgeSessionMatches(koa: KoaContextWithOIDC, accountId: string | undefined): Promise<boolean> {
    if (!accountId) return false;
    const session = await services.sessions.find(koa.cookies.get(deps.sessionCookie) ?? undefined);
    return session?.stage === 'signed_in' && session.userId === accountId;
  }

  const policy = interactionPolicy.base();
  // Signing out of idbridge (or losing the idbridge session any other way) signs the user out of the portals' flows
  // too: oidc-provider's own session alone never re-issues a code.
  policy.get('login')?.checks.add(
    new interactionPolicy.Check('idbridge_session', 'the idbridge session has ended', async (koa: KoaContextWithOIDC) => {
      if (koa.oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      return (await idbridgeSessionMatches(koa, koa.oidc.session?.accountId)) ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
    }),
  );

  const configuration: Configuration = {
    adapter: deps.adapter as Configuration['adapter'],
    clients: [],
    async findAccount(koa, sub) {
      const claims = await services.oidcAccounts.claims(sub);
      if (!claims) return undefined;
      const restricted = (koa.oidc?.client as unknown as { idbridge_organizations?: string[] } | undefined)?.idbridge_organizations ?? [];
      if (!(await services.oidcAccounts.mayUseClient(sub, restricted))) return undefined;
      return { accountId: sub, claims: async () => claims as never };
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'updated_at'],
      email: ['email', 'email_verified'],
      organizations: ['organizations'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'organizations'],
    responseTypes: ['code'],
    // The ID token carries the claims of the granted scopes (the portals read roles from it).
    conformIdTokenClaims: false,
    extraClientMetadata: { properties: ['idbridge_first_party', 'idbridge_organizations'] },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // Discovery advertises it and clients may register backchannel_logout_uri; the logout tokens are sent by
      // idbridge's outbox (oidc/backchannelLogout.ts), with retries, never by oidc-provider itself (see below).
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(koa, form) {
          koa.type = 'html';
          koa.body = logoutPage(localeOf(koa), await brandOf(services, koa), form, (koa.oidc.client as unknown as { clientName?: string } | undefined)?.clientName);
        },
        async postLogoutSuccessSource(koa) {
          koa.type = 'html';
          koa.body = loggedOutPage(localeOf(koa), await brandOf(services, koa));
        },
      },
    },
    pkce: { methods: ['S256'], required: () => true },
    routes: {
      authorization: `${OIDC_PREFIX}/auth`,
      token: `${OIDC_PREFIX}/token`,
      jwks: `${OIDC_PREFIX}/jwks`,
      userinfo: `${OIDC_PREFIX}/me`,
      end_session: `${OIDC_PREFIX}/session/end`,
      revocation: `${OIDC_PREFIX}/token/revocation`,
      introspection: `${OIDC_PREFIX}/token/introspection`,
      registration: `${OIDC_PREFIX}/reg`,
      code_verification: `${OIDC_PREFIX}/device`,
      device_authorization: `${OIDC_PREFIX}/device/auth`,
      pushed_authorization_request: `${OIDC_PREFIX}/request`,
      backchannel_authentication: `${OIDC_PREFIX}/backchannel`,
    },
    interactions: {
      url: (_koa, interaction) => `${OIDC_PREFIX}/interaction/${interaction.uid}`,
      policy,
    },
    cookies: {
      keys: [deps.cookieSecret],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    jwks: { keys: deps.keys as never },
    ttl: {
      AccessToken: settings.oidc.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: settings.oidc.idTokenTtlSeconds,
      RefreshToken: settings.oidc.refreshTokenTtlDays * 86_400,
      Interaction: settings.session.pendingMinutes * 60,
      Session: settings.session.absoluteHours * 3600,
      Grant: settings.oidc.grantTtlDays * 86_400,
    },
    issueRefreshToken: async (_koa, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    clientBasedCORS: () => false,
    async renderError(koa, out) {
      koa.type = 'html';
      koa.body = errorPage(localeOf(koa), await brandOf(services, koa), typeof out.error_description === 'string' ? out.error_description : undefined);
    },
  };

  const provider = new Provider(settings.server.publicUrl, configuration);
  provider.proxy = settings.server.trustProxy !== false;
  provider.on('server_error', (_koa, error) => deps.logger.error({ err: error }, 'oidc-provider error'));
  queueBackchannelLogouts(provider, services, deps.logger);
  return provider;
}

/**
 * oidc-provider's RP-initiated logout calls each portal client's backchannelLogout(sub, sid) before it destroys the
 * session, and would POST the logout token there and then, once, while the browser waits. On this provider that call
 * queues a notice instead: idbridge's outbox sends it like every other back-channel logout, with retries. The sid is
 * kept only for a client that asked for it (backchannel_logout_session_required: its ID tokens carry it).
 */
function queueBackchannelLogouts(provider: Provider, services: Services, logger: Logger): void {
  type PortalClient = { clientId: string; backchannelLogoutSessionRequired?: boolean };
  Object.defineProperty(provider.Client.prototype, 'backchannelLogout', {
    configurable: true,
    writable: true,
    value: async function queue(this: PortalClient, sub: string, sid: string | undefined): Promise<void> {
      await services.oidcLogout.queuePortalLogout({ clientId: this.clientId, userId: sub, sid: this.backchannelLogoutSessionRequired ? (sid ?? null) : null, reason: 'portal_signed_out' });
    },
  });
  // oidc-provider swallows a failure there (the sign-out goes on): it is logged.
  provider.on('backchannel.error', (_koa, error, client) => logger.error({ err: error, clientId: (client as PortalClient | undefined)?.clientId }, 'could not queue the back-channel logout of a portal'));
}
