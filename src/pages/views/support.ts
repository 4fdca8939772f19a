import { hasSupportContact, type OrganizationDisplay } from '../../identity/organizationDisplay.js';
import type { Translate } from '../../i18n/translate.js';
import { html, type SafeHtml } from '../html.js';

/** A phone number as a tel: address: its digits and a leading +. */
function telHref(phone: string): string {
  const main = phone.replace(/\s*(?:x|ext\.?)\s*\d+$/i, '');
  return `tel:${main.trim().startsWith('+') ? '+' : ''}${main.replace(/\D/g, '')}`;
}

/**
 * Whom to ask for help, under a page that cannot go on (a link that no longer works, a locked account, a failed
 * sign-in): the organization's support contact when the page knows the organization, else its administrator.
 */
function contactItems(t: Translate, support: OrganizationDisplay['support']): SafeHtml[] {
  return [
    support.email ? html`<li>${t('support.email')}: <a href="mailto:${support.email}">${support.email}</a></li>` : null,
    support.phone ? html`<li>${t('support.phone')}: <a href="${telHref(support.phone)}">${support.phone}</a></li>` : null,
    support.url ? html`<li>${t('support.url')}: <a href="${support.url}" rel="noopener noreferrer">${support.url}</a></li>` : null,
  ].filter((item): item is SafeHtml => item !== null);
}

export function supportContact(t: Translate, organization: OrganizationDisplay | null): SafeHtml {
  const support = organization?.support ?? {};
  const items = contactItems(t, support);
  if (!organization || (!support.text && items.length === 0)) {
    const text = organization ? t('support.askAdministratorOf', { organization: organization.name }) : t('support.askAdministrator');
    return html`<section class="support" aria-labelledby="support-title"><h2 id="support-title">${t('support.title')}</h2><p>${text}</p></section>`;
  }
  return html`<section class="support" aria-labelledby="support-title"><h2 id="support-title">${t('support.title')}</h2>
<p>${t('support.from', { organization: organization.name })}</p>
${support.text ? html`<p>${support.text}</p>` : ''}
${items.length ? html`<ul>${items}</ul>` : ''}
</section>`;
}

/**
 * The support contact of the organization whose page it is, under every page of its brand (nothing for the
 * platform's brand, or an organization without a contact: the pages that cannot go on say whom to ask themselves).
 */
export function supportFooter(t: Translate, organization: OrganizationDisplay | null): SafeHtml {
  if (!organization || !hasSupportContact(organization.support)) return html``;
  const { support } = organization;
  const items = contactItems(t, support);
  return html`<footer class="site-footer">
<p>${t('support.footer', { organization: organization.name })}${support.text ? html` ${support.text}` : ''}</p>
${items.length ? html`<ul class="contacts">${items}</ul>` : ''}
</footer>`;
}
