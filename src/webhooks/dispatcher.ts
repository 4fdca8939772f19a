import type { DomainContext } from '../identity/context.js';
import { claimDelivery, dueDeliveries, fanOutEvents, type DueDelivery } from '../identity/webhooks/deliveries.js';
import { recordDeliveryOutcome, type AttemptResult } from '../identity/webhooks/outcomes.js';
import type { Logger } from '../lib/logger.js';
import type { WebhookTransport } from './transport.js';
import { SingleRun } from '../lib/singleRun.js';

export interface WebhookDispatcherOptions {
  /** How often a started dispatcher runs a round. */
  pollMs: number;
  /** Requests sent at once. */
  concurrency: number;
  /** Deliveries looked at per round (and events fanned out per subscription). */
  batchSize: number;
  /** The longest one request may take. */
  timeoutMs: number;
}

/** What one round did. */
export interface WebhookRound {
  /** Deliveries created from new events. */
  fannedOut: number;
  /** Attempts made (delivered, failed or to retry). */
  attempted: number;
  /** Attempts a receiver accepted (2xx). */
  delivered: number;
}

/**
 * Delivers webhooks, on every instance: each round fans new events out into deliveries, then sends the due ones, at
 * most `concurrency` at once, each claimed in the database just before it is sent (identity/webhooks/deliveries.ts), so
 * that two instances never send one delivery at the same time and a delivery whose instance died is sent again once
 * its claim lapses. Started with the application (main.ts); tests call runOnce() and move the clock.
 */
export class WebhookDispatcher {
  #timer: NodeJS.Timeout | undefined;
  readonly #rounds = new SingleRun<WebhookRound>(() => this.#run());
  #stopped = false;

  constructor(
    private readonly ctx: DomainContext,
    private readonly transport: WebhookTransport,
    private readonly logger: Logger,
    private readonly options: WebhookDispatcherOptions,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#stopped = false;
    const tick = () => {
      this.round()
        .catch((error: unknown) => this.logger.error({ err: error }, 'webhook dispatcher failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.options.pollMs).unref();
        });
    };
    this.#timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#rounds.current?.catch(() => undefined);
  }

  /** One round (fan out, then send what is due now); answers how many deliveries a receiver accepted. */
  async runOnce(): Promise<number> {
    return (await this.round()).delivered;
  }

  /** One round, with what it did. One round at a time in this process. */
  round(): Promise<WebhookRound> {
    return this.#rounds.run();
  }

  /** Rounds until one finds nothing to do (tests: after a change, with the clock where it is). */
  async drain(): Promise<number> {
    let delivered = 0;
    for (let i = 0; i < 1000; i++) {
      const round = await this.round();
      delivered += round.delivered;
      if (round.fannedOut === 0 && round.attempted === 0) break;
    }
    return delivered;
  }

  async #run(): Promise<WebhookRound> {
    const fannedOut = await fanOutEvents(this.ctx, this.options.batchSize);
    const due = await dueDeliveries(this.ctx, this.options.batchSize);
    const round: WebhookRound = { fannedOut, attempted: 0, delivered: 0 };
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const item = due[next++] as DueDelivery;
        const outcome = await this.#deliver(item);
        if (outcome === undefined) continue;
        round.attempted += 1;
        if (outcome === 'delivered') round.delivered += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, due.length) }, worker));
    return round;
  }

  /** Claims, sends and records one delivery; undefined when it was not this instance's to send. */
  async #deliver(due: DueDelivery): Promise<string | undefined> {
    const claimed = await claimDelivery(this.ctx, due);
    if (!claimed) return undefined;
    const result: AttemptResult = claimed.request
      ? await this.transport(claimed.request, this.options.timeoutMs)
      : { statusCode: null, durationMs: 0, excerpt: null, error: 'the event is no longer kept (its retention passed)' };
    const outcome = await recordDeliveryOutcome(this.ctx, claimed, result);
    const log = { deliveryId: claimed.id, subscriptionId: claimed.subscriptionId, eventId: claimed.eventId, eventType: claimed.eventType, attempt: claimed.attempts + 1, statusCode: result.statusCode, durationMs: Math.round(result.durationMs), outcome };
    if (outcome === 'delivered') this.logger.debug(log, 'webhook delivered');
    else if (outcome === 'failed') this.logger.error({ ...log, reason: result.error }, 'webhook delivery given up');
    else if (outcome === 'lost') this.logger.warn(log, 'webhook delivery claim lapsed during the attempt; another instance took it');
    else this.logger.warn({ ...log, reason: result.error }, 'webhook delivery failed; will retry');
    return outcome;
  }
}
