import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { Settings } from '../../config/schema.js';
import { ConfigError } from '../../config/load.js';

export interface SpCredentials {
  privateKey: string;
  certificate: string;
}

function readPem(value: string, what: string): string {
  const text = value.includes('-----BEGIN') ? value.replace(/\\n/g, '\n') : readFileSync(value, 'utf8');
  if (!text.includes('-----BEGIN')) throw new ConfigError([`${what} is neither a PEM value nor a file holding one`]);
  return text;
}

/**
 * idbridge's own SAML signing key and certificate, when configured. Without them AuthnRequests go unsigned (IdPs
 * accept that by default) and signing out ends only idbridge's session, since IdPs require signed LogoutRequests.
 */
export function loadSpCredentials(settings: Settings): SpCredentials | null {
  const { spPrivateKey, spCertificate } = settings.saml;
  if (!spPrivateKey && !spCertificate) return null;
  if (!spPrivateKey || !spCertificate) throw new ConfigError(['SAML_SP_PRIVATE_KEY and SAML_SP_CERTIFICATE go together: set both or neither']);
  const privateKey = readPem(spPrivateKey, 'SAML_SP_PRIVATE_KEY');
  const certificate = readPem(spCertificate, 'SAML_SP_CERTIFICATE');
  try {
    const cert = new X509Certificate(certificate);
    if (!cert.checkPrivateKey(createPrivateKey(privateKey))) throw new ConfigError(['SAML_SP_CERTIFICATE does not match SAML_SP_PRIVATE_KEY']);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`the SAML SP key or certificate cannot be read: ${(error as Error).message}`]);
  }
  return { privateKey, certificate };
}
