import { generateServiceProviderMetadata } from '@node-saml/passport-saml';
import type { Settings } from '../../../config/schema.js';
import { spEndpoints } from '../../../identity/saml/settings.js';
import type { SpCredentials } from '../spCredentials.js';

/**
 * idbridge's SP metadata for one SSO directory, for an administrator to copy into the IdP: the same entity id, ACS,
 * single logout address and signing certificate as /saml/:directory/metadata serves.
 */
export function spMetadataXml(settings: Settings, directoryName: string, nameIdFormat: string | null, sp: SpCredentials | null): string {
  const endpoints = spEndpoints(settings, directoryName);
  return generateServiceProviderMetadata({
    issuer: endpoints.entityId,
    callbackUrl: endpoints.acsUrl,
    logoutCallbackUrl: endpoints.sloUrl,
    ...(nameIdFormat ? { identifierFormat: nameIdFormat } : {}),
    wantAssertionsSigned: true,
    // node-saml publishes the certificate only when given the key it pairs with (AuthnRequestsSigned follows it).
    ...(sp ? { privateKey: sp.privateKey, publicCerts: sp.certificate } : { publicCerts: null }),
    decryptionCert: null,
  });
}
