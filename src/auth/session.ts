import type { Request, RequestHandler, Response } from 'express';
import type { SessionStage, SessionView } from '../identity/sessions.js';
import type { Services } from '../identity/services.js';
import { clearCookie, getCookie, setCookie, type CookiePolicy } from '../http/cookies.js';

const COOKIE = 'idb_session';

declare module 'express-serve-static-core' {
  interface Request {
    /** The session of the request's cookie, if live. */
    session?: SessionView | null;
  }
}

/** The signed-in (or signing-in) session, stored in the database so that every instance shares it. */
export class SessionCookies {
  constructor(
    private readonly store: Services['sessions'],
    readonly policy: CookiePolicy,
  ) {}

  middleware(): RequestHandler {
    return (req, _res, next) => {
      this.store.find(getCookie(req, this.policy, COOKIE))
        .then((session) => {
          req.session = session;
          next();
        })
        .catch(next);
    };
  }

  /** Replaces the request's session with a new one (a new id at every step of signing in). */
  async start(req: Request, res: Response, input: { userId: string; stage: SessionStage; data?: Record<string, unknown> }): Promise<SessionView> {
    if (req.session) await this.store.destroy(req.session.id);
    const { token, session } = await this.store.create(input);
    setCookie(res, this.policy, COOKIE, token);
    req.session = session;
    return session;
  }

  /**
   * Gives the response the cookie of a session the domain started itself, in the transaction that completed a
   * sign-in (selfService.signInWithPassword or completeSignIn), which also ended the request's previous session.
   */
  adopt(req: Request, res: Response, started: { token: string; session: SessionView }): void {
    setCookie(res, this.policy, COOKIE, started.token);
    req.session = started.session;
  }

  async end(req: Request, res: Response): Promise<void> {
    if (req.session) await this.store.destroy(req.session.id);
    req.session = null;
    clearCookie(res, this.policy, COOKIE);
  }
}
