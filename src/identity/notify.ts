import type { Transaction } from 'sequelize';
import type { User } from '../db/models/User.js';
import type { DomainContext } from './context.js';
import { pickLocale, type Locale } from '../i18n/locales.js';
import { enqueueMail } from '../mail/outbox.js';
import type { TemplateData, TemplateName } from '../mail/templates/render.js';

/** The language of a user's pages and emails: their preferred language, else their locale, else English. */
export function userLocale(user: Pick<User, 'preferredLanguage' | 'locale'>): Locale {
  return pickLocale(user.preferredLanguage, user.locale);
}

/** Queues an email to a user in the change's transaction, in the user's language. Users without an email get none. */
export async function mailUser<T extends TemplateName>(ctx: DomainContext, t: Transaction, user: User, template: T, data: Omit<TemplateData[T], 'name'>): Promise<boolean> {
  if (!user.email) return false;
  const name = user.givenName ?? user.displayName ?? undefined;
  await enqueueMail(ctx, t, { to: user.email, template, locale: userLocale(user), userId: user.id, data: { ...data, ...(name ? { name } : {}) } });
  return true;
}
