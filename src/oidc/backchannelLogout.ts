import { randomUUID } from 'node:crypto';
import type { DueLogout, LogoutAttempt } from '../identity/oidcLogout/notices.js';
import type { Services } from '../identity/services.js';
import type { Clock } from '../lib/clock.js';
import { HOUR } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { PrivateJwk } from './keys.js';
import { logoutTokenSigner } from './logoutToken.js';
import { SingleRun } from '../lib/singleRun.js';

export interface BackchannelLogoutOptions {
  /** The issuer of the ID tokens (PUBLIC_URL). */
  issuer: string;
  keys: readonly PrivateJwk[];
  /** The longest one POST may take (settings.oidc.backchannelLogoutTimeoutSeconds). */
  timeoutMs: number;
  /** Notices sent at once per run. */
  batchSize?: number;
}

/** What a stopped sender's notice waits beyond the timeout before another instance tries it (clock drift). */
const STALE_MARGIN_MS = 30_000;

/**
 * Sends the back-channel logouts (OpenID Connect Back-Channel Logout 1.0): reads the events outbox for the portals of
 * users removed from organizations or deleted, claims the notices that are due (several instances never send one at
 * the same time), signs a logout token for each and POSTs it to the portal's backchannel_logout_uri as
 * `logout_token`; 200 or 204 is delivered, anything else is retried with backoff (a 400, the token refused, is not).
 * At least once: a portal may receive a token twice (after a timeout), and tells them apart by jti.
 */
export class BackchannelLogoutSender {
  readonly #sign: ReturnType<typeof logoutTokenSigner>;
  readonly #rounds = new SingleRun<number>(() => this.#run());
  #sweptAt = 0;

  constructor(
    private readonly services: Services,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: BackchannelLogoutOptions,
  ) {
    this.#sign = logoutTokenSigner(options.keys);
  }

  /** Follows the events and sends what is due now; answers how many events and notices it handled. One run at a time. */
  runOnce(): Promise<number> {
    return this.#rounds.run();
  }

  /** Runs until nothing is left that is due (tests call this after an action that ends sessions). */
  async drain(): Promise<void> {
    for (let i = 0; i < 100 && (await this.runOnce()) > 0; i++);
  }

  async #run(): Promise<number> {
    const { oidcLogout } = this.services;
    const events = await oidcLogout.followEvents();
    const due = await oidcLogout.claimDue({ limit: this.options.batchSize ?? 20, staleAfterMs: this.options.timeoutMs + STALE_MARGIN_MS });
    await Promise.all(due.map((notice) => this.#send(notice)));
    const now = this.clock.now().getTime();
    if (now - this.#sweptAt >= HOUR) {
      this.#sweptAt = now;
      await oidcLogout.sweep();
    }
    return events + due.length;
  }

  async #send(notice: DueLogout): Promise<void> {
    const attempt = await this.#post(notice);
    const outcome = await this.services.oidcLogout.settle(notice, attempt);
    const facts = { noticeId: notice.id, clientId: notice.clientId, attempts: notice.attempts + 1, status: attempt.status, outcome };
    if (attempt.delivered) this.logger.info(facts, 'back-channel logout delivered');
    else this.logger[outcome === 'abandoned' ? 'error' : 'warn']({ ...facts, reason: attempt.error }, outcome === 'abandoned' ? 'back-channel logout abandoned' : 'back-channel logout failed; will retry');
  }

  async #post(notice: DueLogout): Promise<LogoutAttempt> {
    let token: string;
    try {
      token = this.#sign({ issuer: this.options.issuer, clientId: notice.clientId, sub: notice.userId, sid: notice.sid, jti: randomUUID(), now: this.clock.now() });
    } catch (error) {
      return { delivered: false, status: null, error: `cannot sign the logout token: ${(error as Error).message}`, final: false };
    }
    try {
      const response = await fetch(notice.uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }).toString(),
        // A redirect is not followed: the token goes to the registered address only.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      // The answer's body says nothing the logout needs.
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 200 || response.status === 204) return { delivered: true, status: response.status };
      // 400: the portal refused the token (section 2.8); sending the same again would not change its mind.
      return { delivered: false, status: response.status, error: `the portal answered ${response.status}`, final: response.status === 400 };
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      const reason = timedOut ? `no answer within ${this.options.timeoutMs / 1000} s` : `the request failed: ${((error as Error & { cause?: Error })?.cause ?? (error as Error))?.message ?? String(error)}`;
      return { delivered: false, status: null, error: reason, final: false };
    }
  }
}
