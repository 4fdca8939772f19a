import type { Request, Response } from 'express';
import { readCookies } from '../../../http/cookies.js';

/**
 * Binds each AuthnRequest to the browser that started it. Without this, InResponseTo proves only that *someone*
 * started the sign-in: an attacker could start one as himself, take the IdP's response, and make a victim's browser
 * post it to our ACS (login CSRF), signing the victim in to the attacker's account. The request id goes into a cookie
 * scoped to the directory's SAML paths; a response that answers a request is accepted only from a browser holding it.
 *
 * The IdP posts the response from its own site, so behind TLS the cookie is SameSite=None (a cross-site top-level
 * POST carries it); over plain HTTP (development) browsers refuse SameSite=None without Secure, so it is Lax there.
 */
const COOKIE = 'idb_saml_request';
/** Sign-ins one browser may have pending at once (several tabs). */
const KEEP = 3;

export interface BindingOptions {
  directoryName: string;
  https: boolean;
  ttlMs: number;
}

function name(options: BindingOptions): string {
  return options.https ? `__Secure-${COOKIE}` : COOKIE;
}

function cookieOptions(options: BindingOptions) {
  return {
    httpOnly: true,
    secure: options.https,
    sameSite: options.https ? ('none' as const) : ('lax' as const),
    path: `/saml/${options.directoryName}/`,
  };
}

function pending(req: Request, options: BindingOptions): string[] {
  const value = readCookies(req)[name(options)];
  return value ? value.split(' ').filter((id) => /^[\w.-]{1,128}$/.test(id)) : [];
}

/** Remembers in the browser a request id we just issued (called while the redirect to the IdP is prepared). */
export function bindRequestToBrowser(req: Request, res: Response, options: BindingOptions, requestId: string): void {
  const ids = [...pending(req, options).filter((id) => id !== requestId), requestId].slice(-KEEP);
  res.cookie(name(options), ids.join(' '), { ...cookieOptions(options), maxAge: options.ttlMs });
}

/** Whether this browser started the request that a response answers. */
export function browserStartedRequest(req: Request, options: BindingOptions, requestId: string): boolean {
  return pending(req, options).includes(requestId);
}

/** Forgets an answered request (the others may still be answered in other tabs). */
export function releaseRequest(req: Request, res: Response, options: BindingOptions, requestId: string): void {
  const rest = pending(req, options).filter((id) => id !== requestId);
  if (rest.length > 0) res.cookie(name(options), rest.join(' '), { ...cookieOptions(options), maxAge: options.ttlMs });
  else res.clearCookie(name(options), cookieOptions(options));
}
