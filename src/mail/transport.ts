import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as Nodemailer from 'nodemailer';
import { lazyRequire } from '../lib/lazyRequire.js';

/** nodemailer is loaded with the first email, not with every start and CLI command. */
const nodemailer = lazyRequire<typeof Nodemailer>('nodemailer');
import type { Logger } from '../lib/logger.js';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Our outbox id, sent as a header so that a message can be traced. */
  messageId: string;
}

/** Hands an email to its carrier; throws when the carrier refuses it (the dispatcher retries). */
export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** SMTP, each step of a delivery bounded by `timeoutMs` (a server that stops answering fails the attempt). */
export function smtpTransport(url: string, timeoutMs = 30_000): MailTransport {
  let transporter: ReturnType<ReturnType<typeof nodemailer>['createTransport']> | undefined;
  return {
    kind: 'smtp',
    async send(mail) {
      transporter ??= nodemailer().createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
      await transporter.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: { 'X-Idbridge-Message-Id': mail.messageId } });
    },
    close: () => transporter?.close(),
  };
}

/**
 * Development without SMTP: each email becomes an .eml file in `dir`, and its links are logged, so that a newcomer
 * can follow an activation link. Never used in production (configuration refuses it there).
 */
export function fileTransport(dir: string, logger: Logger): MailTransport {
  let transporter: ReturnType<ReturnType<typeof nodemailer>['createTransport']> | undefined;
  return {
    kind: 'file',
    async send(mail) {
      transporter ??= nodemailer().createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      const info = await transporter.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: { 'X-Idbridge-Message-Id': mail.messageId } });
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
      // Development only: the links carry one-time tokens, which is the point of writing them here.
      logger.info({ to: mail.to, subject: mail.subject, file, links }, 'email written to a file (no SMTP_URL configured)');
    },
    close: () => transporter?.close(),
  };
}
