import { LOCALE_NAMES, LOCALES, type Locale } from '../../i18n/locales.js';
import { translator, type MessageKey } from '../../i18n/translate.js';
import { html, type SafeHtml } from '../html.js';

export type ConsoleSection = 'users' | 'organizations' | 'directories' | 'roleMappings' | 'audit' | 'apiTokens' | 'oidcClients' | 'webhooks';

const SECTIONS: Array<{ key: ConsoleSection; href: string; label: MessageKey; platformOnly: boolean }> = [
  { key: 'users', href: '/admin/users', label: 'console.nav.users', platformOnly: false },
  { key: 'organizations', href: '/admin/organizations', label: 'console.nav.organizations', platformOnly: false },
  { key: 'directories', href: '/admin/directories', label: 'console.nav.directories', platformOnly: true },
  { key: 'roleMappings', href: '/admin/role-mappings', label: 'console.nav.roleMappings', platformOnly: true },
  { key: 'oidcClients', href: '/admin/oidc-clients', label: 'console.nav.oidcClients', platformOnly: true },
  // Organization administrators manage their organizations' subscriptions (the policy's webhook.manage: scope).
  { key: 'webhooks', href: '/admin/webhooks', label: 'console.nav.webhooks', platformOnly: false },
  { key: 'audit', href: '/admin/audit', label: 'console.nav.audit', platformOnly: false },
  { key: 'apiTokens', href: '/admin/api-tokens', label: 'console.nav.apiTokens', platformOnly: false },
];

export interface ConsolePageInput {
  locale: Locale;
  title: string;
  body: SafeHtml;
  /** This page's GET address, for the language switcher. */
  path: string;
  section?: ConsoleSection;
  /** The administrator; without one (the 403 page) there is no navigation. */
  admin?: { label: string; isPlatformAdmin: boolean; csrf: string };
  flash?: { kind: 'ok' | 'error'; text: string };
}

/**
 * The document around every console page: skip link, header with the administrator and sign-out, the navigation of
 * the sections this administrator may use, and the message of the last action (a status region, or an alert).
 */
export function consoleLayout(input: ConsolePageInput): string {
  const t = translator(input.locale);
  const separator = input.path.includes('?') ? '&' : '?';
  const base = input.path.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '');
  const switcher = LOCALES.filter((l) => l !== input.locale).map((l) => html`<a href="${base}${separator}lang=${l}" lang="${l}" hreflang="${l}">${LOCALE_NAMES[l]}</a>`);
  const admin = input.admin;
  return html`<!doctype html>
<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · ${t('console.title')} · ${t('app.name')}</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="stylesheet" href="/assets/console.css">
<script src="/assets/console.js" defer></script>
</head>
<body class="console">
<a class="skip" href="#main">${t('layout.skip')}</a>
<header class="top">
  <span class="brand">${t('app.name')} · ${t('console.title')}</span>
  <div class="top-actions">
    <span class="visually-hidden">${t('layout.language')}:</span> ${switcher}
    ${admin ? html`<span class="who">${t('console.signedInAs', { name: admin.label })}</span>
    <a href="/account" class="own-account">${t('console.myAccount')}</a>
    <form method="post" action="/sign-out" class="inline"><input type="hidden" name="_csrf" value="${admin.csrf}"><button type="submit" class="link">${t('account.signOut')}</button></form>` : ''}
  </div>
</header>
<div class="console-frame">
${
  admin
    ? html`<nav class="console-nav" aria-label="${t('console.nav')}"><ul>${SECTIONS.filter((s) => admin.isPlatformAdmin || !s.platformOnly).map(
        (s) => html`<li><a href="${s.href}"${s.key === input.section ? html` aria-current="page"` : ''}>${t(s.label)}</a></li>`,
      )}</ul></nav>`
    : ''
}
<main id="main" tabindex="-1" class="console-main">
  <h1>${input.title}</h1>
  ${input.flash ? html`<div class="${input.flash.kind === 'ok' ? 'notice' : 'error-summary'}" role="${input.flash.kind === 'ok' ? 'status' : 'alert'}" data-testid="flash">${input.flash.text}</div>` : html`<div role="status" class="visually-hidden" data-testid="flash-empty"></div>`}
  ${input.body}
</main>
</div>
</body>
</html>
`.value;
}
