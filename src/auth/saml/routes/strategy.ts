import type { Request } from 'express';
import { MultiSamlStrategy, type Profile } from '@node-saml/passport-saml';
import type { Settings } from '../../../config/schema.js';
import type { SamlConnection } from '../../../identity/saml/signIn.js';
import { spEndpoints } from '../../../identity/saml/settings.js';
import type { Services } from '../../../identity/services.js';
import { bindRequestToBrowser, type BindingOptions } from './browserBinding.js';
import type { SpCredentials } from '../spCredentials.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The SSO directory of a /saml/:directory request and its IdP's settings, once resolved. */
    samlConnection?: SamlConnection;
  }
}

/** The directory of the request with its SAML settings; a directory without them is "not configured". */
export async function resolveSamlDirectory(services: Services, req: Request): Promise<SamlConnection> {
  req.samlConnection ??= await services.saml.connection(String(req.params.directory ?? ''));
  return req.samlConnection;
}

/** How a directory's AuthnRequests are bound to the browser: by a cookie on its SAML paths, for the request lifetime. */
export function bindingOptions(settings: Settings, directoryName: string): BindingOptions {
  return { directoryName, https: settings.server.publicUrl.startsWith('https:'), ttlMs: settings.saml.requestTtlMinutes * 60_000 };
}

/**
 * The passport strategy for every SSO directory: node-saml options are built per request from the directory's
 * settings, with each safety option set explicitly (node-saml's defaults include SHA-1 and no InResponseTo check).
 */
export function samlStrategy(services: Services, settings: Settings, sp: SpCredentials | null, onLogout: (req: Request, profile: Profile) => Promise<void>): MultiSamlStrategy {
  return new MultiSamlStrategy(
    {
      passReqToCallback: true,
      getSamlOptions(req, done) {
        (async () => {
          const config = await resolveSamlDirectory(services, req as unknown as Request);
          const { directory } = config;
          const endpoints = spEndpoints(settings, directory.name);
          return {
            issuer: endpoints.entityId,
            callbackUrl: endpoints.acsUrl,
            entryPoint: config.ssoUrl,
            idpCert: config.certificates,
            idpIssuer: config.idpEntityId,
            audience: endpoints.entityId,
            identifierFormat: config.nameIdFormat,
            wantAssertionsSigned: true,
            // Okta and Entra ID sign the assertion and, by default, not the whole response.
            wantAuthnResponseSigned: false,
            signatureAlgorithm: 'sha256' as const,
            digestAlgorithm: 'sha256',
            acceptedClockSkewMs: settings.saml.clockSkewSeconds * 1000,
            maxAssertionAgeMs: 0,
            validateInResponseTo: (config.allowIdpInitiated ? 'ifPresent' : 'always') as never,
            requestIdExpirationPeriodMs: settings.saml.requestTtlMinutes * 60_000,
            // An AuthnRequest is also bound to the browser that asks for it (login CSRF; see browserBinding.ts).
            cacheProvider: services.saml.requestIdCache(directory.id, (requestId) => {
              const request = req as unknown as Request;
              if (request.res && request.path.endsWith('/login')) bindRequestToBrowser(request, request.res, bindingOptions(settings, directory.name), requestId);
            }),
            // A requested authentication context makes Entra ID refuse passwordless and MFA sign-ins.
            disableRequestedAuthnContext: true,
            forceAuthn: false,
            passive: false,
            allowCreate: false,
            logoutUrl: config.sloUrl ?? config.ssoUrl,
            logoutCallbackUrl: endpoints.sloUrl,
            ...(sp ? { privateKey: sp.privateKey, publicCert: sp.certificate } : {}),
          };
        })().then(
          (options) => done(null, options),
          (error: Error) => done(error),
        );
      },
    },
    (_req, profile, done) => done(null, profile as unknown as Record<string, unknown>),
    (req, profile, done) => {
      if (!profile) return done(null, undefined);
      onLogout(req as unknown as Request, profile).then(
        () => done(null, req.user as Record<string, unknown>),
        (error: Error) => done(error),
      );
    },
  );
}
