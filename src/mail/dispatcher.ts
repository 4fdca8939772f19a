import { Op, type InferAttributes, type WhereOptions } from 'sequelize';
import type { MailMessage } from '../db/models/MailMessage.js';
import type { DomainContext } from '../identity/context.js';
import { pickLocale } from '../i18n/locales.js';
import type { Logger } from '../lib/logger.js';
import { readPayload } from './outbox.js';
import { renderMail, TEMPLATES, type MailBrand, type TemplateData, type TemplateName } from './templates/render.js';
import type { MailTransport } from './transport.js';
import { SingleRun } from '../lib/singleRun.js';

export interface DispatcherOptions {
  /** MAIL_FROM: the sender's address (and the display name used where no brand gives one). */
  from: string;
  /** How often the outbox is polled. */
  pollMs: number;
  /** Attempts before a message is abandoned. */
  maxAttempts: number;
  /** The wait after the first failure; it doubles with each further one. */
  backoffMs: number;
  /**
   * The longest one attempt may take: after it the attempt fails (and is retried). A message left "sending" longer
   * than this plus STALE_MARGIN_MS has no live sender (its instance stopped) and is tried again.
   */
  sendTimeoutMs: number;
  batchSize: number;
}

/** What a stopped sender's message waits beyond the send timeout before another instance tries it (clock drift). */
export const STALE_MARGIN_MS = 30_000;

export const DEFAULT_DISPATCHER_OPTIONS: Omit<DispatcherOptions, 'from'> = { pollMs: 1000, maxAttempts: 5, backoffMs: 30_000, sendTimeoutMs: 30_000, batchSize: 20 };

/**
 * Sends the outbox: claims due messages (a conditional update, so several instances never send one twice), renders
 * them in the recipient's language with the brand queued with them (see mailUser), hands them to the transport, and
 * marks them sent, or retries with exponential backoff until they are abandoned. Payloads (which carry one-time links)
 * are erased once a message is finished.
 */
export class MailDispatcher {
  #timer: NodeJS.Timeout | undefined;
  readonly #rounds = new SingleRun<number>(() => this.#run());
  readonly #options: DispatcherOptions;

  constructor(
    private readonly ctx: DomainContext,
    private readonly transport: MailTransport,
    private readonly logger: Logger,
    options: Partial<DispatcherOptions> & { from: string },
  ) {
    this.#options = { ...DEFAULT_DISPATCHER_OPTIONS, ...options };
  }

  start(): void {
    if (this.#timer) return;
    const tick = () => {
      this.runOnce()
        .catch((error: unknown) => this.logger.error({ err: error }, 'mail dispatcher failed'))
        .finally(() => {
          if (this.#timer) this.#timer = setTimeout(tick, this.#options.pollMs).unref();
        });
    };
    this.#timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#rounds.current;
    this.transport.close();
  }

  /** Sends what is due now; returns how many messages were handled. One run at a time in this process. */
  runOnce(): Promise<number> {
    return this.#rounds.run();
  }

  /** Runs until nothing is due (tests call this after an action that sends email). */
  async drain(): Promise<void> {
    for (let i = 0; i < 100 && (await this.runOnce()) > 0; i++);
  }

  async #run(): Promise<number> {
    const { MailMessage } = this.ctx.db.models;
    const now = this.ctx.clock.now();
    const due = await MailMessage.findAll({
      where: {
        [Op.or]: [
          { status: 'queued', nextAttemptAt: { [Op.lte]: now } },
          { status: 'sending', updatedAt: { [Op.lte]: new Date(now.getTime() - this.#options.sendTimeoutMs - STALE_MARGIN_MS) } },
        ],
      },
      order: [['nextAttemptAt', 'ASC']],
      limit: this.#options.batchSize,
    });
    let handled = 0;
    for (const message of due) {
      const claimed = await this.#update({ status: 'sending', updatedAt: now }, { id: message.id, status: message.status, updatedAt: message.updatedAt });
      if (claimed !== 1) continue;
      handled += 1;
      await this.#send(message);
    }
    return handled;
  }

  /**
   * Updates messages in a transaction of db.tx: on SQLite it waits for the process's write lock like every write, where
   * a write beside the write transactions could fail with SQLITE_BUSY. Answers the rows changed.
   */
  async #update(values: Partial<InferAttributes<MailMessage>>, where: WhereOptions<InferAttributes<MailMessage>>): Promise<number> {
    const { MailMessage } = this.ctx.db.models;
    const [changed] = await this.ctx.db.tx((transaction) => MailMessage.update(values, { where, transaction }));
    return changed;
  }

  async #send(message: MailMessage): Promise<void> {
    const attempts = message.attempts + 1;
    try {
      if (!(TEMPLATES as readonly string[]).includes(message.template)) throw new Error(`unknown template "${message.template}"`);
      const data = readPayload(this.ctx, message) as unknown as TemplateData[TemplateName] & { brand?: MailBrand };
      const rendered = renderMail(message.template as TemplateName, pickLocale(message.locale), data, this.ctx.settings.mail.productName);
      // The brand's sender name, else the platform's (IDBRIDGE_BRAND_SENDER_NAME), else MAIL_FROM's own; the address
      // is always MAIL_FROM's.
      const senderName = data.brand?.senderName || this.ctx.settings.brand.senderName;
      await withDeadline(this.transport.send({ from: this.#options.from, ...(senderName ? { senderName } : {}), to: message.toAddress, ...rendered, messageId: message.id }), this.#options.sendTimeoutMs);
      await this.#update({ status: 'sent', attempts, sentAt: this.ctx.clock.now(), payload: null, lastError: null, updatedAt: this.ctx.clock.now() }, { id: message.id });
      this.logger.info({ mailId: message.id, template: message.template, attempts }, 'email sent');
      this.ctx.metrics.mailSent();
    } catch (error) {
      const reason = (error as Error)?.message ?? String(error);
      const abandoned = attempts >= this.#options.maxAttempts;
      const now = this.ctx.clock.now();
      await this.#update(
        {
          status: abandoned ? 'abandoned' : 'queued',
          attempts,
          lastError: reason.slice(0, 1000),
          nextAttemptAt: new Date(now.getTime() + this.#options.backoffMs * 2 ** (attempts - 1)),
          updatedAt: now,
          ...(abandoned ? { payload: null } : {}),
        },
        { id: message.id },
      );
      this.ctx.metrics.mailFailed(abandoned);
      this.logger[abandoned ? 'error' : 'warn']({ mailId: message.id, template: message.template, attempts, reason }, abandoned ? 'email abandoned' : 'email failed; will retry');
    }
  }
}

/** `promise`, or a failure once `ms` have passed (the late result, if any, is dropped). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the SMTP server did not take the email within ${ms / 1000} s`)), ms).unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
