import type { Transaction } from 'sequelize';
import type { User } from '../db/models/User.js';
import type { DomainContext } from './context.js';
import { pickLocale, type Locale } from '../i18n/locales.js';
import { enqueueMail } from '../mail/outbox.js';
import type { MailBrand, TemplateData, TemplateName } from '../mail/templates/render.js';
import type { Organization } from '../db/models/Organization.js';
import { displayOrganization, primaryOrganization } from './organizationDisplay.js';

/** The language of a user's pages and emails: their preferred language, else their locale, else English. */
export function userLocale(user: Pick<User, 'preferredLanguage' | 'locale'>): Locale {
  return pickLocale(user.preferredLanguage, user.locale);
}

/**
 * Queues an email to a user in the change's transaction, in the user's language. Users without an email get none.
 * The email speaks for `options.organization` when it is about one (removed from it, added to it), else for the
 * organization that invited the user (their first), and names the product (MAIL_PRODUCT_NAME).
 */
export async function mailUser<T extends TemplateName>(
  ctx: DomainContext,
  t: Transaction,
  user: User,
  template: T,
  data: Omit<TemplateData[T], 'name'>,
  options: { organization?: Pick<Organization, 'name' | 'support'> } = {},
): Promise<boolean> {
  if (!user.email) return false;
  const name = user.givenName ?? user.displayName ?? undefined;
  const organization = options.organization ?? (await primaryOrganization(ctx, user.id, t));
  const brand: MailBrand = { product: ctx.settings.mail.productName, ...(organization ? { organization: displayOrganization(organization) } : {}) };
  await enqueueMail(ctx, t, { to: user.email, template, locale: userLocale(user), userId: user.id, data: { ...data, ...(name ? { name } : {}), brand } });
  return true;
}
