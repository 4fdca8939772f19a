import type { ResolvedBrand } from '../identity/branding/brands.js';
import type { Locale } from '../i18n/locales.js';
import { translate } from '../i18n/translate.js';
import { html, raw, type SafeHtml } from '../pages/html.js';
import { layout } from '../pages/layout.js';

/** Pages oidc-provider shows itself (logout confirmation, errors), in idbridge's layout, in the brand of the portal. */
export function logoutPage(locale: Locale, brand: ResolvedBrand, providerForm: string, clientName: string | undefined): string {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string>) => translate(locale, key, params);
  // providerForm is oidc-provider's own hidden form (action and xsrf token), which the buttons below submit.
  const body: SafeHtml = html`${raw(providerForm)}
<p>${clientName ? t('oidc.logoutFrom', { client: clientName }) : t('oidc.logoutIntro')}</p>
<div class="actions">
  <button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary">${t('oidc.logoutYes')}</button>
  <button type="submit" form="op.logoutForm" class="secondary">${t('oidc.logoutNo')}</button>
</div>`;
  return layout({ locale, brand, title: t('oidc.logoutTitle'), body, path: '/sign-in' });
}

export function loggedOutPage(locale: Locale, brand: ResolvedBrand): string {
  return layout({ locale, brand, title: translate(locale, 'oidc.loggedOutTitle'), body: html`<p>${translate(locale, 'oidc.loggedOut')}</p>`, path: '/sign-in' });
}

export function errorPage(locale: Locale, brand: ResolvedBrand, description: string | undefined): string {
  return layout({
    locale,
    brand,
    title: translate(locale, 'oidc.errorTitle'),
    body: html`<p>${translate(locale, 'oidc.error')}</p>${description ? html`<p class="hint">${description}</p>` : ''}`,
    path: '/sign-in',
  });
}

export function consentBody(locale: Locale, input: { clientName: string; scopes: string[]; csrf: string; uid: string }): SafeHtml {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string>) => translate(locale, key, params);
  const described = input.scopes.filter((s) => ['profile', 'email', 'organizations', 'offline_access'].includes(s));
  return html`<p>${t('oidc.consentIntro', { client: input.clientName })}</p>
<ul>${described.map((s) => html`<li>${t(`oidc.scope.${s}` as Parameters<typeof translate>[1])}</li>`)}</ul>
<div class="actions">
  <form method="post" action="/oidc/interaction/${input.uid}/consent" class="inline"><input type="hidden" name="_csrf" value="${input.csrf}"><button type="submit" class="primary">${t('oidc.allow')}</button></form>
  <form method="post" action="/oidc/interaction/${input.uid}/abort" class="inline"><input type="hidden" name="_csrf" value="${input.csrf}"><button type="submit" class="secondary">${t('oidc.deny')}</button></form>
</div>`;
}
