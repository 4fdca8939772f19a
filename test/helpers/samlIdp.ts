import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';

/** Test-only keys (test/fixtures/saml): see the README there. */
export function fixtureKey(name: 'idp' | 'idp-rotated' | 'attacker' | 'sp'): { key: string; cert: string } {
  const dir = path.resolve('test/fixtures/saml');
  return { key: readFileSync(path.join(dir, `TEST-ONLY-${name}-key.pem`), 'utf8'), cert: readFileSync(path.join(dir, `TEST-ONLY-${name}-cert.pem`), 'utf8') };
}

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

const id = () => `_${randomBytes(16).toString('hex')}`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export interface ResponseOptions {
  acsUrl: string;
  audience: string;
  nameId: string;
  nameIdFormat?: string;
  inResponseTo?: string;
  attributes?: Record<string, string>;
  /** Offsets from now, in ms, of the validity window. */
  notBeforeMs?: number;
  notOnOrAfterMs?: number;
  destination?: string;
  issuer?: string;
  sign?: 'assertion' | 'response' | 'both' | 'none';
  signWith?: { key: string; cert: string };
  algorithm?: 'sha256' | 'sha1';
  /** Signature wrapping: an unsigned assertion for this nameId is inserted before the signed one. */
  wrapFor?: string;
  sessionIndex?: string;
}

function sign(xml: string, target: 'Assertion' | 'Response', key: { key: string; cert: string }, algorithm: 'sha256' | 'sha1'): string {
  const signer = new SignedXml({ privateKey: key.key, publicCert: key.cert, signatureAlgorithm: algorithm === 'sha1' ? RSA_SHA1 : RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
  const xpath = target === 'Assertion' ? "//*[local-name(.)='Assertion']" : "/*[local-name(.)='Response']";
  signer.addReference({ xpath, digestAlgorithm: algorithm === 'sha1' ? SHA1 : SHA256, transforms: [ENVELOPED, EXC_C14N] });
  signer.computeSignature(xml, { location: { reference: `${xpath}/*[local-name(.)='Issuer']`, action: 'after' } });
  return signer.getSignedXml();
}

/**
 * A SAML identity provider for the tests: it writes Responses the way Okta and Entra ID do (the assertion signed
 * with RSA-SHA256 and exclusive c14n) and can write every broken or hostile variant the ACS must refuse.
 */
export class TestIdp {
  constructor(
    readonly entityId = 'https://idp.test.example/saml/metadata',
    readonly ssoUrl = 'https://idp.test.example/saml/sso',
    readonly sloUrl = 'https://idp.test.example/saml/slo',
    readonly signingKey = fixtureKey('idp'),
  ) {}

  metadata(certs: string[] = [this.signingKey.cert]): string {
    const body = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    return `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${this.entityId}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${certs.map((c) => `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${body(c)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`).join('\n    ')}
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${this.sloUrl}"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${this.ssoUrl}/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${this.ssoUrl}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
  }

  /** The ID of an AuthnRequest sent by HTTP-Redirect (the Location of idbridge's redirect). */
  static requestIdOf(location: string): { id: string; relayState: string | null; xml: string } {
    const url = new URL(location);
    const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
    return { id: /ID="([^"]+)"/.exec(xml)?.[1] ?? '', relayState: url.searchParams.get('RelayState'), xml };
  }

  assertionXml(options: ResponseOptions, assertionId = id(), nameId = options.nameId): string {
    const now = Date.now();
    const issuer = options.issuer ?? this.entityId;
    const attributes = Object.entries(options.attributes ?? {})
      .map(([name, value]) => `<saml:Attribute Name="${escape(name)}"><saml:AttributeValue>${escape(value)}</saml:AttributeValue></saml:Attribute>`)
      .join('');
    return `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${iso(now)}"><saml:Issuer>${escape(issuer)}</saml:Issuer><saml:Subject><saml:NameID Format="${options.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'}">${escape(nameId)}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(now + (options.notOnOrAfterMs ?? 5 * 60_000))}" Recipient="${escape(options.acsUrl)}"${options.inResponseTo ? ` InResponseTo="${options.inResponseTo}"` : ''}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="${iso(now + (options.notBeforeMs ?? -60_000))}" NotOnOrAfter="${iso(now + (options.notOnOrAfterMs ?? 5 * 60_000))}"><saml:AudienceRestriction><saml:Audience>${escape(options.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${options.sessionIndex ?? id()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>${attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : ''}</saml:Assertion>`;
  }

  /** A base64 SAMLResponse, as the browser would POST it to the ACS. */
  response(options: ResponseOptions): string {
    const now = Date.now();
    const key = options.signWith ?? this.signingKey;
    const algorithm = options.algorithm ?? 'sha256';
    const signing = options.sign ?? 'assertion';
    let assertion = this.assertionXml(options);
    if (signing === 'assertion' || signing === 'both') assertion = sign(assertion, 'Assertion', key, algorithm);
    const forged = options.wrapFor ? this.assertionXml(options, id(), options.wrapFor) : '';
    let xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" IssueInstant="${iso(now)}" Destination="${escape(options.destination ?? options.acsUrl)}"${options.inResponseTo ? ` InResponseTo="${options.inResponseTo}"` : ''}><saml:Issuer>${escape(options.issuer ?? this.entityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${forged}${assertion}</samlp:Response>`;
    if (signing === 'response' || signing === 'both') xml = sign(xml, 'Response', key, algorithm);
    return Buffer.from(xml).toString('base64');
  }

  /** A signed LogoutResponse (HTTP-POST binding) answering an SP's LogoutRequest. */
  logoutResponse(options: { destination: string; inResponseTo: string }): string {
    const xml = `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" IssueInstant="${iso(Date.now())}" Destination="${escape(options.destination)}" InResponseTo="${options.inResponseTo}"><saml:Issuer>${escape(this.entityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>`;
    const signer = new SignedXml({ privateKey: this.signingKey.key, publicCert: this.signingKey.cert, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
    signer.addReference({ xpath: "/*[local-name(.)='LogoutResponse']", digestAlgorithm: SHA256, transforms: [ENVELOPED, EXC_C14N] });
    signer.computeSignature(xml, { location: { reference: "/*[local-name(.)='LogoutResponse']/*[local-name(.)='Issuer']", action: 'after' } });
    return Buffer.from(signer.getSignedXml()).toString('base64');
  }

  /** A signed LogoutRequest (HTTP-POST binding) for an IdP-initiated logout. */
  logoutRequest(options: { destination: string; nameId: string; sessionIndex?: string; signWith?: { key: string; cert: string } }): string {
    const now = Date.now();
    const xml = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" IssueInstant="${iso(now)}" Destination="${escape(options.destination)}" NotOnOrAfter="${iso(now + 5 * 60_000)}"><saml:Issuer>${escape(this.entityId)}</saml:Issuer><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${escape(options.nameId)}</saml:NameID>${options.sessionIndex ? `<samlp:SessionIndex>${options.sessionIndex}</samlp:SessionIndex>` : ''}</samlp:LogoutRequest>`;
    const signer = new SignedXml({ privateKey: (options.signWith ?? this.signingKey).key, publicCert: (options.signWith ?? this.signingKey).cert, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
    signer.addReference({ xpath: "/*[local-name(.)='LogoutRequest']", digestAlgorithm: SHA256, transforms: [ENVELOPED, EXC_C14N] });
    signer.computeSignature(xml, { location: { reference: "/*[local-name(.)='LogoutRequest']/*[local-name(.)='Issuer']", action: 'after' } });
    return Buffer.from(signer.getSignedXml()).toString('base64');
  }
}
