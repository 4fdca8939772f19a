import { createHmac } from 'node:crypto';
import type { Request, Response } from 'express';
import { clearCookie, getCookie, setCookie, type CookiePolicy } from '../../http/cookies.js';
import { constantTimeEqual } from '../../lib/crypto.js';

const COOKIE = 'idb_flash';
const MAX_AGE_MS = 60_000;

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/**
 * The message shown at the top of the next page after an action (post, redirect, get). It travels in a short-lived
 * cookie signed with the session secret, so that nobody else can put words on an administrator's screen.
 */
export class FlashMessages {
  constructor(
    private readonly secret: string,
    private readonly policy: CookiePolicy,
  ) {}

  #sign(payload: string): string {
    return createHmac('sha256', this.secret).update(`flash|${payload}`).digest('base64url');
  }

  set(res: Response, flash: Flash): void {
    const payload = Buffer.from(JSON.stringify(flash)).toString('base64url');
    setCookie(res, this.policy, COOKIE, `${payload}.${this.#sign(payload)}`, MAX_AGE_MS);
  }

  /** The pending message, if any; it is shown once. */
  take(req: Request, res: Response): Flash | undefined {
    const value = getCookie(req, this.policy, COOKIE);
    if (!value) return undefined;
    clearCookie(res, this.policy, COOKIE);
    const [payload = '', signature = ''] = value.split('.');
    if (!constantTimeEqual(signature, this.#sign(payload))) return undefined;
    try {
      const flash = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Flash;
      return (flash.kind === 'ok' || flash.kind === 'error') && typeof flash.text === 'string' ? { kind: flash.kind, text: flash.text.slice(0, 1000) } : undefined;
    } catch {
      return undefined;
    }
  }
}
