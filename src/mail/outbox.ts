import type { Transaction } from 'sequelize';
import type { DomainContext } from '../identity/context.js';

export interface QueuedMail {
  to: string;
  template: string;
  locale: string;
  userId?: string | null;
  /** The template's data; encrypted at rest because links in it carry one-time tokens. */
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
