import type { Locale } from '../../i18n/locales.js';
import { translate, type MessageKey } from '../../i18n/translate.js';
import { escapeHtml } from './html.js';

export const TEMPLATES = [
  'activation',
  'password_reset',
  'password_reset_admin',
  'password_changed',
  'account_locked',
  'mfa_reset',
  'expiry_reminder',
  'deactivated',
  'removed_from_organization',
] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The data each template needs; `name` is the person's first name (or nothing). */
export interface TemplateData {
  activation: { name?: string; link: string; hours: number };
  password_reset: { name?: string; link: string; hours: number };
  password_reset_admin: { name?: string; link: string; hours: number };
  password_changed: { name?: string; when: string; link: string };
  account_locked: { name?: string; when: string; unlockMinutes: number; link: string };
  mfa_reset: { name?: string; link: string };
  expiry_reminder: { name?: string; days: number; date: string; link: string };
  deactivated: { name?: string };
  removed_from_organization: { name?: string; organization: string };
}

interface Parts {
  subject: string;
  paragraphs: string[];
  action?: { label: string; href: string };
  ignoreNote?: boolean;
}

function formatWhen(iso: string, locale: Locale, dateOnly = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const format = new Intl.DateTimeFormat(locale === 'es' ? 'es-ES' : 'en-GB', dateOnly ? { dateStyle: 'long', timeZone: 'UTC' } : { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  return `${format.format(date)}${dateOnly ? '' : ' UTC'}`;
}

function parts<T extends TemplateName>(template: T, locale: Locale, raw: TemplateData[T]): Parts {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const data = raw as Record<string, unknown> & TemplateData[TemplateName];
  switch (template) {
    case 'activation': {
      const d = data as TemplateData['activation'];
      return { subject: t('mail.activation.subject'), paragraphs: [t('mail.activation.body', { hours: d.hours })], action: { label: t('mail.activation.action'), href: d.link }, ignoreNote: true };
    }
    case 'password_reset': {
      const d = data as TemplateData['password_reset'];
      return { subject: t('mail.passwordReset.subject'), paragraphs: [t('mail.passwordReset.body', { hours: d.hours })], action: { label: t('mail.passwordReset.action'), href: d.link }, ignoreNote: true };
    }
    case 'password_reset_admin': {
      const d = data as TemplateData['password_reset_admin'];
      return { subject: t('mail.passwordResetAdmin.subject'), paragraphs: [t('mail.passwordResetAdmin.body', { hours: d.hours })], action: { label: t('mail.passwordResetAdmin.action'), href: d.link } };
    }
    case 'password_changed': {
      const d = data as TemplateData['password_changed'];
      return { subject: t('mail.passwordChanged.subject'), paragraphs: [t('mail.passwordChanged.body', { when: formatWhen(d.when, locale) })], action: { label: t('mail.passwordChanged.action'), href: d.link } };
    }
    case 'account_locked': {
      const d = data as TemplateData['account_locked'];
      const unlock = d.unlockMinutes > 0 ? t('mail.accountLocked.unlockAfter', { minutes: d.unlockMinutes }) : t('mail.accountLocked.unlockAdmin');
      return { subject: t('mail.accountLocked.subject'), paragraphs: [t('mail.accountLocked.body', { when: formatWhen(d.when, locale), unlock })], action: { label: t('mail.accountLocked.action'), href: d.link } };
    }
    case 'mfa_reset': {
      const d = data as TemplateData['mfa_reset'];
      return { subject: t('mail.mfaReset.subject'), paragraphs: [t('mail.mfaReset.body')], action: { label: t('mail.mfaReset.action'), href: d.link } };
    }
    case 'expiry_reminder': {
      const d = data as TemplateData['expiry_reminder'];
      return { subject: t('mail.expiryReminder.subject', { days: d.days }), paragraphs: [t('mail.expiryReminder.body', { date: formatWhen(d.date, locale, true) })], action: { label: t('mail.expiryReminder.action'), href: d.link } };
    }
    case 'deactivated':
      return { subject: t('mail.deactivated.subject'), paragraphs: [t('mail.deactivated.body')] };
    case 'removed_from_organization': {
      const d = data as TemplateData['removed_from_organization'];
      return { subject: t('mail.removedFromOrganization.subject', { organization: d.organization }), paragraphs: [t('mail.removedFromOrganization.body', { organization: d.organization })] };
    }
  }
  throw new Error(`unknown template ${String(template)}`);
}

/** Subject, plain text and HTML of one email, in the recipient's language. Everything inserted into HTML is escaped. */
export function renderMail<T extends TemplateName>(template: T, locale: Locale, data: TemplateData[T]): RenderedMail {
  const p = parts(template, locale, data);
  const name = (data as { name?: string }).name;
  const greeting = translate(locale, 'mail.greeting', { name: name ? ` ${name}` : '' });
  const footer = translate(locale, 'mail.footer', { app: translate(locale, 'app.name') });
  const ignore = p.ignoreNote ? translate(locale, 'mail.ignore') : undefined;

  const text = [greeting, '', ...p.paragraphs.flatMap((para) => [para, '']), ...(p.action ? [`${p.action.label}: ${p.action.href}`, ''] : []), ...(ignore ? [ignore, ''] : []), '--', footer, ''].join('\n');

  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(p.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f6f8;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1b1f24">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<p style="font-size:16px;line-height:1.5">${escapeHtml(greeting)}</p>
${p.paragraphs.map((para) => `<p style="font-size:16px;line-height:1.5">${escapeHtml(para)}</p>`).join('\n')}
${p.action ? `<p style="margin:28px 0"><a href="${escapeHtml(p.action.href)}" style="background:#0b5cad;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600;display:inline-block">${escapeHtml(p.action.label)}</a></p>
<p style="font-size:13px;line-height:1.5;color:#4a5560;word-break:break-all">${escapeHtml(p.action.href)}</p>` : ''}
${ignore ? `<p style="font-size:14px;line-height:1.5;color:#4a5560">${escapeHtml(ignore)}</p>` : ''}
<hr style="border:none;border-top:1px solid #e1e5ea;margin:24px 0">
<p style="font-size:12px;color:#6b7680">${escapeHtml(footer)}</p>
</div></body></html>
`;
  return { subject: p.subject, text, html };
}
