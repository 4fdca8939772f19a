import { parseIdpMetadata } from '../../src/identity/saml/metadata.js';
import { checkResponseEnvelope, SamlRejection } from '../../src/auth/saml/responseChecks.js';
import { allowedReturnTo } from '../../src/auth/saml/routes/relayState.js';
import { loadConfig } from '../../src/config/load.js';
import { fixtureKey, TestIdp } from '../helpers/samlIdp.js';

describe('parseIdpMetadata', () => {
  const idp = new TestIdp();

  it('reads the entity id, the HTTP-Redirect endpoints, every signing certificate and the NameID format', () => {
    const metadata = parseIdpMetadata(idp.metadata([fixtureKey('idp').cert, fixtureKey('idp-rotated').cert]));
    expect(metadata).toMatchObject({ entityId: idp.entityId, ssoUrl: idp.ssoUrl, sloUrl: idp.sloUrl, nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' });
    expect(metadata.certificates).toHaveLength(2);
    expect(metadata.certificates[0]).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/);
  });

  it('says what is wrong with something that is not IdP metadata', () => {
    expect(() => parseIdpMetadata('<html><body>login</body>')).toThrow(/not well-formed|IDPSSODescriptor/);
    expect(() => parseIdpMetadata('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:SPSSODescriptor/></md:EntityDescriptor>')).toThrow('IDPSSODescriptor');
    expect(() => parseIdpMetadata(idp.metadata([]))).toThrow('no signing certificate');
  });
});

describe('checkResponseEnvelope', () => {
  const idp = new TestIdp();
  const expected = { acsUrl: 'https://id.example.com/saml/okta/acs', idpEntityId: idp.entityId };
  const good = () => idp.response({ acsUrl: expected.acsUrl, audience: 'https://id.example.com/saml/okta', nameId: 'a@b.test' });

  it('accepts what Okta and Entra ID send', () => {
    expect(() => checkResponseEnvelope(good(), expected)).not.toThrow();
  });

  it('refuses a DOCTYPE (entity expansion) and garbage', () => {
    const doctype = Buffer.from(`<!DOCTYPE x [<!ENTITY a "b">]>${Buffer.from(good(), 'base64').toString()}`).toString('base64');
    expect(() => checkResponseEnvelope(doctype, expected)).toThrow(SamlRejection);
    expect(() => checkResponseEnvelope(Buffer.from('not xml').toString('base64'), expected)).toThrow(SamlRejection);
  });
});

describe('allowedReturnTo', () => {
  const settings = loadConfig({ env: { PUBLIC_URL: 'https://id.example.com', SAML_ALLOWED_RETURN_ORIGINS: 'https://portal.example.com' } });

  it('allows our paths, our origin and the listed portals, and nothing else', () => {
    expect(allowedReturnTo(settings, '/account')).toBe('/account');
    expect(allowedReturnTo(settings, 'https://id.example.com/oidc/x')).toBe('https://id.example.com/oidc/x');
    expect(allowedReturnTo(settings, 'https://portal.example.com/home')).toBe('https://portal.example.com/home');
    for (const bad of ['https://portal.example.com.evil.net/', '//evil.example', 'javascript:alert(1)', 'https://evil.example/', '/\\evil.example']) {
      expect(allowedReturnTo(settings, bad)).toBeUndefined();
    }
  });
});
