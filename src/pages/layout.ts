import { LOCALE_NAMES, LOCALES, type Locale } from '../i18n/locales.js';
import { translate, type Translate } from '../i18n/translate.js';
import type { ResolvedBrand } from '../identity/branding/brands.js';
import { themePath } from './brandTheme.js';
import { html, type SafeHtml } from './html.js';
import { supportFooter } from './views/support.js';

export interface PageInput {
  locale: Locale;
  /** Whose page it is (services.branding.forPage): its name, logo, colours and support contact. */
  brand: ResolvedBrand;
  title: string;
  body: SafeHtml;
  /** Where the language switcher returns to (the current path and query). */
  path: string;
  /** Shown above the content: a confirmation after an action. */
  notice?: string;
  /** The signed-in user's name, for the header's sign-out. */
  signedIn?: { name: string; csrf: string };
  status?: number;
  /** Go on to this address at once (a page in between, so that our form-action policy allows leaving the site). */
  refreshTo?: string;
  /** The body already says whom to ask (a page that cannot go on): no support footer under it. */
  supportShown?: boolean;
}

/** The brand in the header: its logo (its name as the text alternative), else its name. */
function brandMark(brand: ResolvedBrand): SafeHtml {
  const { logo } = brand;
  if (!logo) return html`<span class="brand">${brand.name}</span>`;
  return html`<span class="brand"><img class="brand-logo" src="${logo.path}" width="${logo.width}" height="${logo.height}" alt="${brand.name}"></span>`;
}

/**
 * The document around every hosted page: language, skip link, the brand's header and stylesheet, a notice region
 * announced to screen readers, and the brand's support contact. Brand text goes through `html` (escaped) like any.
 */
export function layout(input: PageInput): string {
  const t: Translate = (key, params) => translate(input.locale, key, params);
  const separator = input.path.includes('?') ? '&' : '?';
  const switcher = LOCALES.filter((l) => l !== input.locale).map(
    (l) => html`<a href="${input.path.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '')}${separator}lang=${l}" lang="${l}" hreflang="${l}">${LOCALE_NAMES[l]}</a>`,
  );
  return html`<!doctype html>
<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · ${input.brand.name}</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="stylesheet" href="${themePath(input.brand)}">
${input.refreshTo ? html`<meta http-equiv="refresh" content="0;url=${input.refreshTo}">` : ''}
</head>
<body>
<a class="skip" href="#main">${t('layout.skip')}</a>
<header class="top">
  ${brandMark(input.brand)}
  <nav class="top-actions" aria-label="${t('layout.language')}">
    <span class="visually-hidden">${t('layout.language')}:</span> ${switcher}
    ${input.signedIn ? html`<form method="post" action="/sign-out" class="inline"><input type="hidden" name="_csrf" value="${input.signedIn.csrf}"><button type="submit" class="link">${t('account.signOut')}</button></form>` : ''}
  </nav>
</header>
<main id="main" tabindex="-1">
  <div class="card">
    <h1>${input.title}</h1>
    ${input.notice ? html`<div class="notice" role="status">${input.notice}</div>` : ''}
    ${input.body}
  </div>
</main>
${input.supportShown ? '' : supportFooter(t, input.brand.organization)}
</body>
</html>
`.value;
}
