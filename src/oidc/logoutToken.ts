import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { PrivateJwk } from './keys.js';

/** The event a logout token carries (OpenID Connect Back-Channel Logout 1.0, section 2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** How long a logout token is valid: oidc-provider's own lifetime for it. */
const LIFETIME_SECONDS = 120;

export interface LogoutTokenClaims {
  issuer: string;
  clientId: string;
  sub: string;
  /** The session, for a client that registered backchannel_logout_session_required. */
  sid: string | null;
  jti: string;
  now: Date;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * Signs logout tokens as the ID tokens are signed: RS256 with the first RSA key of OIDC_SIGNING_KEYS (the one
 * oidc-provider signs ID tokens with; all are published at the JWKS endpoint), typed `logout+jwt`. The claims are
 * iss, aud (the client), iat, exp, jti, sub, sid when the client asked for it, and the back-channel logout event;
 * never a nonce.
 */
export function logoutTokenSigner(keys: readonly PrivateJwk[]): (claims: LogoutTokenClaims) => string {
  let key: { kid: string; object: KeyObject } | undefined;
  const signingKey = () => {
    if (key) return key;
    const jwk = keys.find((k) => k.kty === 'RSA' && (k.alg === undefined || k.alg === 'RS256'));
    if (!jwk) throw new Error('OIDC_SIGNING_KEYS has no RSA key to sign logout tokens (RS256) with');
    key = { kid: jwk.kid, object: createPrivateKey({ key: jwk as never, format: 'jwk' }) };
    return key;
  };
  return (claims) => {
    const { kid, object } = signingKey();
    const iat = Math.floor(claims.now.getTime() / 1000);
    const header = { alg: 'RS256', typ: 'logout+jwt', kid };
    const payload = {
      iss: claims.issuer,
      aud: claims.clientId,
      iat,
      exp: iat + LIFETIME_SECONDS,
      jti: claims.jti,
      sub: claims.sub,
      ...(claims.sid ? { sid: claims.sid } : {}),
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    return `${input}.${base64url(sign('sha256', Buffer.from(input), object))}`;
  };
}
