import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as Nodemailer from 'nodemailer';
import type AddressParser from 'nodemailer/lib/addressparser';
import { lazyRequire } from '../lib/lazyRequire.js';

/** nodemailer is loaded with the first email, not with every start and CLI command. */
const nodemailer = lazyRequire<typeof Nodemailer>('nodemailer');
const addressparser = lazyRequire<typeof AddressParser>('nodemailer/lib/addressparser');
import type { Logger } from '../lib/logger.js';

export interface OutgoingMail {
  /** MAIL_FROM ("Name <address>" or an address). */
  from: string;
  /** The display name to send under instead of MAIL_FROM's (the brand's sender name); the address stays MAIL_FROM's. */
  senderName?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Our outbox id, sent as a header so that a message can be traced. */
  messageId: string;
}

/**
 * The From of an email: MAIL_FROM as configured, or its address under `senderName`. The name goes to nodemailer as an
 * address object, which quotes or encodes it (commas, quotes, accents) as RFC 5322 and 2047 ask; line breaks and other
 * control characters are removed first, so no name can start a header of its own.
 */
export function senderOf(from: string, senderName?: string): string | { name: string; address: string } {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const name = (senderName ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (!name) return from;
  const address = addressparser()(from, { flatten: true }).find((entry) => entry.address)?.address;
  return address ? { name, address } : from;
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
      await transporter.sendMail({ from: senderOf(mail.from, mail.senderName), to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: { 'X-Idbridge-Message-Id': mail.messageId } });
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
      const info = await transporter.sendMail({ from: senderOf(mail.from, mail.senderName), to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: { 'X-Idbridge-Message-Id': mail.messageId } });
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
