import type { Transaction } from 'sequelize';
import type { User } from '../db/models/User.js';
import type { DomainContext } from './context.js';
import { pickLocale, type Locale } from '../i18n/locales.js';
import { enqueueMail } from '../mail/outbox.js';
import { mailBrandOf } from '../mail/templates/brand.js';
import type { TemplateData, TemplateName } from '../mail/templates/render.js';
import type { Organization } from '../db/models/Organization.js';
import { brandForUser, brandOf } from './branding/brands.js';

/** The language of a user's pages and emails: their preferred language, else their locale, else English. */
export function userLocale(user: Pick<User, 'preferredLanguage' | 'locale'>): Locale {
  return pickLocale(user.preferredLanguage, user.locale);
}

/**
 * Queues an email to a user in the change's transaction, in the user's language. Users without an email get none.
 * The email carries the brand of `options.organization` when it is about one (removed from it, added to it), else of
 * the organization that invited the user (their first), else the platform's: its name, product name, colour, logo,
 * support contact and sender name, as they are now (queued with the email: a later change of the brand does not
 * change an email already queued).
 */
export async function mailUser<T extends TemplateName>(
  ctx: DomainContext,
  t: Transaction,
  user: User,
  template: T,
  data: Omit<TemplateData[T], 'name'>,
  options: { organization?: Pick<Organization, 'id' | 'slug' | 'name' | 'brand' | 'support'> } = {},
): Promise<boolean> {
  if (!user.email) return false;
  const name = user.givenName ?? user.displayName ?? undefined;
  const brand = mailBrandOf(options.organization ? await brandOf(ctx, options.organization) : await brandForUser(ctx, user.id), ctx.settings.server.publicUrl);
  await enqueueMail(ctx, t, { to: user.email, template, locale: userLocale(user), userId: user.id, data: { ...data, ...(name ? { name } : {}), brand } });
  return true;
}
