import { DOMParser } from '@xmldom/xmldom';
import xpath from 'xpath';

/** Why a SAML message was refused: logged and audited, never shown to the browser. */
export class SamlRejection extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SamlRejection';
  }
}

const STRONG_SIGNATURES = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
]);
const STRONG_DIGESTS = new Set(['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmlenc#sha512']);

export interface EnvelopeExpectations {
  acsUrl: string;
  idpEntityId: string;
}

function parse(xml: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({ errorHandler: { error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m), warning: () => undefined } }).parseFromString(xml, 'text/xml');
  if (errors.length > 0 || !doc?.documentElement) throw new SamlRejection('the response is not well-formed XML');
  return doc as unknown as Document;
}

/**
 * Checks of a SAML Response that node-saml leaves to us, made before its signature validation: exactly one plain
 * assertion (a second, unsigned one is the signature-wrapping attack), the Destination and the Recipient are our
 * ACS URL, the Issuer is the configured IdP, and every signature and digest uses SHA-256 or stronger. Returns the
 * request the response answers, if any.
 */
export function checkResponseEnvelope(base64: string, expected: EnvelopeExpectations): { inResponseTo: string | null } {
  if (typeof base64 !== 'string' || base64.length === 0 || base64.length > 1_000_000) throw new SamlRejection('no SAMLResponse');
  const xml = Buffer.from(base64, 'base64').toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlRejection('a DOCTYPE is not allowed in a SAML response');
  const doc = parse(xml);
  const root = doc.documentElement;
  if (root.localName !== 'Response') throw new SamlRejection(`expected a Response, got ${root.localName}`);
  const select = (expr: string) => xpath.select(expr, doc as unknown as Node) as Node[];

  if (select("//*[local-name()='EncryptedAssertion']").length > 0) throw new SamlRejection('encrypted assertions are not supported; turn assertion encryption off at the IdP');
  const assertions = select("//*[local-name()='Assertion']");
  if (assertions.length !== 1) throw new SamlRejection(`expected exactly one assertion, found ${assertions.length}`);
  if ((assertions[0] as Element).parentNode !== (root as unknown as Node)) throw new SamlRejection('the assertion is not a child of the response');

  const destination = root.getAttribute('Destination');
  if (destination !== expected.acsUrl) throw new SamlRejection(`Destination "${destination ?? ''}" is not our ACS URL`);
  const recipients = (select("//*[local-name()='SubjectConfirmationData']") as Element[]).map((n) => n.getAttribute('Recipient')).filter((r): r is string => r !== null);
  if (recipients.some((r) => r !== expected.acsUrl)) throw new SamlRejection('SubjectConfirmationData Recipient is not our ACS URL');

  const issuers = (select("/*[local-name()='Response']/*[local-name()='Issuer'] | /*[local-name()='Response']/*[local-name()='Assertion']/*[local-name()='Issuer']") as Element[]).map((n) => (n.textContent ?? '').trim());
  if (issuers.length === 0 || issuers.some((i) => i !== expected.idpEntityId)) throw new SamlRejection(`Issuer "${issuers.find((i) => i !== expected.idpEntityId) ?? ''}" is not the configured IdP`);

  const weakSignature = (select("//*[local-name()='SignatureMethod']") as Element[]).map((n) => n.getAttribute('Algorithm') ?? '').find((a) => !STRONG_SIGNATURES.has(a));
  if (weakSignature !== undefined) throw new SamlRejection(`signature algorithm ${weakSignature || '(none)'} is refused; configure SHA-256 at the IdP`);
  const weakDigest = (select("//*[local-name()='DigestMethod']") as Element[]).map((n) => n.getAttribute('Algorithm') ?? '').find((a) => !STRONG_DIGESTS.has(a));
  if (weakDigest !== undefined) throw new SamlRejection(`digest algorithm ${weakDigest || '(none)'} is refused; configure SHA-256 at the IdP`);
  return { inResponseTo: root.getAttribute('InResponseTo') || null };
}

/** The ID and the end of validity of a (validated) assertion, for the replay register. */
export function assertionIdentity(assertionXml: string): { id: string; notOnOrAfter: Date | null } {
  const doc = parse(assertionXml);
  const id = doc.documentElement.getAttribute('ID');
  if (!id) throw new SamlRejection('the assertion has no ID');
  const ends = (xpath.select("//*[local-name()='Conditions']/@NotOnOrAfter | //*[local-name()='SubjectConfirmationData']/@NotOnOrAfter", doc as unknown as Node) as Attr[])
    .map((a) => new Date(a.value))
    .filter((d) => !Number.isNaN(d.getTime()));
  return { id, notOnOrAfter: ends.length ? new Date(Math.max(...ends.map((d) => d.getTime()))) : null };
}
