import { DOMParser } from '@xmldom/xmldom';
import xpath from 'xpath';
import { invalid } from '../errors.js';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  sloUrl: string | null;
  certificates: string[];
  nameIdFormat: string | null;
}

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/** Wraps the base64 body of an X509Certificate element as a PEM certificate. */
export function toPem(base64: string): string {
  const body = base64.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;
}

/**
 * Reads what idbridge needs from an IdP's metadata XML (Okta, Entra ID and others publish it): the entity id, the
 * single sign-on and logout endpoints (HTTP-Redirect preferred), every signing certificate and the NameID format.
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  const errors: string[] = [];
  const doc = new DOMParser({ errorHandler: { error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m), warning: () => undefined } }).parseFromString(xml, 'text/xml');
  if (errors.length > 0 || !doc?.documentElement) throw invalid('saml.metadata_unreadable', `The metadata is not well-formed XML: ${errors[0] ?? 'empty document'}`, 'metadata');
  const select = (expr: string) => xpath.select(expr, doc as unknown as Node) as Node[];
  const entity = select("//*[local-name()='EntityDescriptor'][*[local-name()='IDPSSODescriptor']]")[0] as Element | undefined;
  if (!entity) throw invalid('saml.metadata_not_idp', 'The metadata has no EntityDescriptor with an IDPSSODescriptor: is it the identity provider\'s metadata?', 'metadata');
  const inEntity = (expr: string) => xpath.select(expr, entity as unknown as Node) as Node[];
  const endpoint = (service: string) => {
    const nodes = inEntity(`./*[local-name()='IDPSSODescriptor']/*[local-name()='${service}']`) as Element[];
    const pick = nodes.find((n) => n.getAttribute('Binding') === REDIRECT) ?? nodes.find((n) => n.getAttribute('Binding') === POST);
    return pick?.getAttribute('Location') ?? null;
  };
  const ssoUrl = endpoint('SingleSignOnService');
  if (!ssoUrl) throw invalid('saml.metadata_no_sso', 'The metadata has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding.', 'metadata');
  const certificates = (
    inEntity(
      "./*[local-name()='IDPSSODescriptor']/*[local-name()='KeyDescriptor'][not(@use) or @use='signing']//*[local-name()='X509Certificate']",
    ) as Element[]
  ).map((n) => toPem(n.textContent ?? ''));
  if (certificates.length === 0) throw invalid('saml.metadata_no_certificate', 'The metadata has no signing certificate (KeyDescriptor use="signing").', 'metadata');
  const format = inEntity("./*[local-name()='IDPSSODescriptor']/*[local-name()='NameIDFormat']")[0]?.textContent?.trim() ?? null;
  return { entityId: entity.getAttribute('entityID') ?? '', ssoUrl, sloUrl: endpoint('SingleLogoutService'), certificates: [...new Set(certificates)], nameIdFormat: format };
}
