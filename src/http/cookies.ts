import type { Request, Response } from 'express';

/** The cookies of a request (no dependency needed for this much). */
export function readCookies(req: Request): Record<string, string> {
  const header = req.headers.cookie;
  if (!header) return {};
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 1) continue;
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

export interface CookiePolicy {
  /** Behind TLS: Secure, and the __Host- prefix (no Domain, Path=/). */
  secure: boolean;
}

export function cookieName(base: string, policy: CookiePolicy): string {
  return policy.secure ? `__Host-${base}` : base;
}

/** HttpOnly, SameSite=Lax, Path=/, Secure behind TLS; a session cookie unless maxAgeMs is given. */
export function setCookie(res: Response, policy: CookiePolicy, base: string, value: string, maxAgeMs?: number): void {
  res.cookie(cookieName(base, policy), value, { httpOnly: true, sameSite: 'lax', path: '/', secure: policy.secure, ...(maxAgeMs ? { maxAge: maxAgeMs } : {}) });
}

export function clearCookie(res: Response, policy: CookiePolicy, base: string): void {
  res.clearCookie(cookieName(base, policy), { httpOnly: true, sameSite: 'lax', path: '/', secure: policy.secure });
}

export function getCookie(req: Request, policy: CookiePolicy, base: string): string | undefined {
  return readCookies(req)[cookieName(base, policy)];
}
