import type { Transaction } from 'sequelize';
import type { MailStatus } from '../db/models/MailMessage.js';
import type { DomainContext } from '../identity/context.js';

export interface QueuedMail {
  to: string;
  template: string;
  locale: string;
  userId?: string | null;
  /**
   * The template's data, with the brand the email speaks with as it was when queued (see mailUser); encrypted at rest
   * because links in it carry one-time tokens.
   */
  data: Record<string, unknown>;
}

/**
 * Queues an email in the transaction of the change that causes it: if the change rolls back, no email leaves.
 * The dispatcher renders and sends it later, with retries.
 */
export async function enqueueMail(ctx: DomainContext, t: Transaction, mail: QueuedMail): Promise<string> {
  const id = ctx.random.uuid();
  const now = ctx.clock.now();
  await ctx.db.models.MailMessage.create(
    {
      id,
      userId: mail.userId ?? null,
      toAddress: mail.to,
      template: mail.template,
      locale: mail.locale,
      payload: ctx.cipher.encrypt(JSON.stringify(mail.data), id),
      status: 'queued',
      nextAttemptAt: now,
      lastError: null,
      sentAt: null,
      createdAt: now,
      updatedAt: now,
    },
    { transaction: t },
  );
  return id;
}

/** The decrypted template data of a queued message. */
export function readPayload(ctx: Pick<DomainContext, 'cipher'>, message: { id: string; payload: string | null }): Record<string, unknown> {
  if (!message.payload) return {};
  return JSON.parse(ctx.cipher.decrypt(message.payload, message.id)) as Record<string, unknown>;
}

/** The messages not yet finished (queued, or being sent), and how long the oldest of them has waited. */
export interface OutboxBacklog {
  pending: number;
  oldestAgeSeconds: number;
}

const PENDING: ReadonlyArray<MailStatus> = ['queued', 'sending'];

/** The outbox's backlog, for the metrics: two small queries on the (status, next_attempt_at) index. */
export async function outboxBacklog(ctx: Pick<DomainContext, 'db' | 'clock'>): Promise<OutboxBacklog> {
  const { MailMessage } = ctx.db.models;
  const where = { status: PENDING as MailStatus[] };
  const [pending, oldest] = await Promise.all([MailMessage.count({ where }), MailMessage.findOne({ where, attributes: ['createdAt'], order: [['createdAt', 'ASC']] })]);
  const waitedMs = oldest ? ctx.clock.now().getTime() - oldest.createdAt.getTime() : 0;
  return { pending, oldestAgeSeconds: Math.max(0, waitedMs / 1000) };
}
