import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { Passport } from 'passport';
import type { Profile } from '@node-saml/passport-saml';
import type { Settings } from '../../../config/schema.js';
import type { Services } from '../../../identity/services.js';
import type { Logger } from '../../../lib/logger.js';
import { render } from '../../../pages/render.js';
import { message } from '../../../pages/views/messages.js';
import type { SessionCookies } from '../../session.js';
import { pageRequest, redirect } from '../../local/routes/context.js';
import { assertionIdentity, checkResponseEnvelope, SamlRejection } from '../responseChecks.js';
import { SamlSignInRefused, type SamlIdentity } from '../../../identity/saml/signIn.js';
import { spEndpoints } from '../../../identity/saml/settings.js';
import type { SpCredentials } from '../spCredentials.js';
import { spMetadataXml } from './spMetadata.js';
import { bindingOptions, resolveSamlDirectory, samlStrategy } from './strategy.js';
import { browserStartedRequest, releaseRequest } from './browserBinding.js';
import { allowedReturnTo } from './relayState.js';

export interface SamlRoutesDeps {
  services: Services;
  settings: Settings;
  sessions: SessionCookies;
  logger: Logger;
  sp: SpCredentials | null;
}

/** What a SAML session remembers to sign out at the IdP. */
interface SamlSessionData {
  directoryId: string;
  directoryName: string;
  nameID: string;
  nameIDFormat: string;
  sessionIndex: string | null;
}

const KNOWN_PROFILE_KEYS = new Set(['issuer', 'sessionIndex', 'nameID', 'nameIDFormat', 'nameQualifier', 'spNameQualifier', 'ID', 'attributes', 'getAssertionXml', 'getAssertion', 'getSamlResponseXml', 'inResponseTo']);

function identityOf(profile: Profile): SamlIdentity {
  const attributes: Record<string, unknown> = { ...((profile.attributes as Record<string, unknown> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(profile)) if (!KNOWN_PROFILE_KEYS.has(key) && typeof value !== 'function') attributes[key] ??= value;
  return { nameId: profile.nameID, nameIdFormat: profile.nameIDFormat ?? null, sessionIndex: profile.sessionIndex ?? null, attributes };
}

/**
 * SAML 2.0 for SSO directories: SP metadata, SP-initiated sign-in, the ACS, and single logout in both directions.
 * Every refusal shows the same page and is audited with its reason.
 */
export function samlRoutes(deps: SamlRoutesDeps): { router: Router; federatedSignOut(req: Request): Promise<string | null> } {
  const { services, settings, sessions, logger } = deps;
  const passport = new Passport();

  /** An IdP-initiated LogoutRequest: every session of the user it names ends (matched as at sign-in). */
  async function logoutFromIdp(req: Request, profile: Profile): Promise<void> {
    const { directory } = await resolveSamlDirectory(services, req);
    await services.saml.endSessionsFromIdp(directory.id, profile.nameID, { ...(req.ip ? { ip: req.ip } : {}), requestId: req.id });
  }

  // idbridge keeps its own sessions in the database, so passport's session manager (which wants express-session, and
  // which passport-saml calls when the IdP logs a user out) only has to succeed; passport 0.7 keeps it in `_sm`.
  (passport as unknown as { _sm: unknown })._sm = { logIn: (_req: unknown, _user: unknown, _options: unknown, done: () => void) => done(), logOut: (_req: unknown, _options: unknown, done: () => void) => done() };
  passport.use('saml', samlStrategy(services, settings, deps.sp, logoutFromIdp) as unknown as Parameters<typeof passport.use>[1]);
  const router = Router();

  /** The refusal page, in the brand of the directory's organization once the directory is known. */
  async function refusePage(req: Request, res: Response, status: number): Promise<void> {
    const { t, locale } = pageRequest(req);
    const brand = await services.branding.forPage({ directoryId: req.samlConnection?.directory.id }).catch(() => services.branding.platform());
    render(req, res, locale, { brand, title: t('saml.refusedTitle'), body: message(t('saml.refused'), { href: '/sign-in', label: t('link.signIn') }), path: '/sign-in', status });
  }

  async function audited(req: Request, reason: string): Promise<void> {
    logger.warn({ directory: req.params.directory, reason }, 'SAML sign-in refused');
    await services.saml
      .recordRefusal({ directoryId: req.samlConnection?.directory.id ?? null, directory: String(req.params.directory), reason, ...(req.ip ? { ip: req.ip } : {}), requestId: req.id })
      .catch(() => undefined);
  }

  function authenticate(req: Request, res: Response, next: NextFunction, options: Record<string, unknown>, callback?: (error: unknown, user: unknown) => void): void {
    const handler = passport.authenticate('saml', { session: false, ...options }, callback);
    (handler as (req: Request, res: Response, next: NextFunction) => void)(req, res, next);
  }

  router.get('/saml/:directory/metadata', async (req, res) => {
    let sp;
    try {
      sp = await services.saml.serviceProvider(String(req.params.directory));
    } catch {
      return res.status(404).type('text/plain').send('No SSO directory of this name.');
    }
    res.type('application/samlmetadata+xml').send(spMetadataXml(settings, sp.directory.name, sp.nameIdFormat, deps.sp));
  });

  router.get('/saml/:directory/login', async (req, res, next) => {
    try {
      await resolveSamlDirectory(services, req);
    } catch {
      return refusePage(req, res, 404);
    }
    const returnTo = allowedReturnTo(settings, req.query.return_to);
    // Express 5 computes req.query afresh on each read; passport-saml reads RelayState from it.
    Object.defineProperty(req, 'query', { value: { ...req.query, RelayState: returnTo ?? '' }, writable: true });
    authenticate(req, res, next, {});
  });

  router.post('/saml/:directory/acs', express.urlencoded({ extended: false, limit: '2mb' }), async (req, res, next) => {
    let directory;
    let answered: string | null;
    try {
      const connection = await resolveSamlDirectory(services, req);
      directory = connection.directory;
      answered = checkResponseEnvelope(String(req.body?.SAMLResponse ?? ''), { acsUrl: spEndpoints(settings, directory.name).acsUrl, idpEntityId: connection.idpEntityId }).inResponseTo;
      if (answered && !browserStartedRequest(req, bindingOptions(settings, directory.name), answered)) {
        throw new SamlRejection(`the response answers request ${answered}, which this browser did not start (login CSRF?)`);
      }
    } catch (error) {
      await audited(req, (error as Error).message);
      return refusePage(req, res, error instanceof SamlSignInRefused ? 404 : 400);
    }
    authenticate(req, res, next, {}, async (error: unknown, profile: unknown) => {
      try {
        if (error || !profile) throw new SamlRejection((error as Error)?.message ?? 'no profile');
        const validated = profile as Profile;
        const { id, notOnOrAfter } = assertionIdentity(validated.getAssertionXml?.() ?? '');
        if (!(await services.saml.rememberAssertion(directory.id, id, notOnOrAfter ?? null))) throw new SamlRejection(`assertion ${id} was already used`);
        const identity = identityOf(validated);
        const user = await services.saml.signIn(directory.id, identity, { ...(req.ip ? { ip: req.ip } : {}), requestId: req.id });
        if (answered) releaseRequest(req, res, bindingOptions(settings, directory.name), answered);
        const saml: SamlSessionData = { directoryId: directory.id, directoryName: directory.name, nameID: identity.nameId, nameIDFormat: identity.nameIdFormat ?? '', sessionIndex: identity.sessionIndex };
        await sessions.start(req, res, { userId: user.id, stage: 'signed_in', data: { methods: ['saml'], saml } });
        redirect(res, allowedReturnTo(settings, req.body?.RelayState) ?? '/account');
      } catch (failure) {
        await audited(req, (failure as Error).message);
        await refusePage(req, res, 403);
      }
    });
  });

  const slo = async (req: Request, res: Response) => {
    try {
      await resolveSamlDirectory(services, req);
    } catch {
      return refusePage(req, res, 404);
    }
    // passport-saml answers an IdP's LogoutRequest only after checking the user it names is "the user logged in here";
    // idbridge ends that user's sessions itself (logoutFromIdp), so the check is given the same object back.
    // A LogoutResponse answers a logout we already carried out here (the session ended before we redirected): it
    // changes nothing, so it needs no validation; node-saml cannot check POSTed ones against InResponseTo anyway.
    const isLogoutResponse =
      req.method === 'GET'
        ? typeof req.query.SAMLResponse === 'string'
        : /^\s*(<\?xml[^>]*>\s*)?<([\w-]+:)?LogoutResponse[\s>]/.test(Buffer.from(String(req.body?.SAMLResponse ?? ''), 'base64').toString('utf8'));
    if (isLogoutResponse) return redirect(res, '/sign-in?notice=signed_out');
    (req as unknown as { user?: unknown }).user = { directory: req.params.directory };
    // A LogoutResponse to our own LogoutRequest ends in passport's "pass": the user is signed out here already.
    const signedOut = () => redirect(res, '/sign-in?notice=signed_out');
    authenticate(req, res, signedOut, { samlFallback: 'logout-request' }, async (error: unknown) => {
      if (error) {
        await audited(req, `logout: ${(error as Error).message}`);
        return refusePage(req, res, 400);
      }
      redirect(res, '/sign-in?notice=signed_out');
    });
  };
  router.get('/saml/:directory/slo', slo);
  router.post('/saml/:directory/slo', express.urlencoded({ extended: false, limit: '2mb' }), slo);

  /** The IdP's logout address for a SAML session, when the IdP has one and idbridge can sign the request. */
  async function federatedSignOut(req: Request): Promise<string | null> {
    const saml = req.session?.data.saml as SamlSessionData | undefined;
    if (!saml || !deps.sp) return null;
    const connection = await services.saml.connection(saml.directoryName).catch(() => null);
    if (!connection?.sloUrl) return null;
    const request = req as Request & { user?: unknown };
    request.params = { ...req.params, directory: saml.directoryName };
    request.user = { nameID: saml.nameID, nameIDFormat: saml.nameIDFormat, sessionIndex: saml.sessionIndex };
    const strategy = (passport as unknown as { _strategy(name: string): { logout(req: Request, cb: (e: Error | null, url?: string | null) => void): void } })._strategy('saml');
    return new Promise((resolve) => strategy.logout(req, (error, url) => resolve(error ? null : (url ?? null))));
  }

  return { router, federatedSignOut };
}
