import type { Translate } from '../../i18n/translate.js';
import type { BrandView, ResolvedBrand } from '../../identity/branding/brands.js';
import { errorSummary, field, form } from '../forms.js';
import { html, type SafeHtml } from '../html.js';

/** The brand's text fields, in the form's order. */
export const BRAND_FIELDS = ['displayName', 'primaryColor', 'productName', 'senderName', 'authenticatorName'] as const;
export type BrandField = (typeof BRAND_FIELDS)[number];

export type BrandFormValues = Partial<Record<BrandField, string>>;
export type BrandFormErrors = Partial<Record<BrandField | 'form', string>>;

export interface BrandPageInput {
  csrf: string;
  view: BrandView;
  /** What was typed, when the form was refused (kept as typed); otherwise what is set. */
  values?: BrandFormValues;
  errors?: BrandFormErrors;
  /** Why the last logo upload was refused. */
  logoError?: string;
  limits: { maxKiB: number; maxPixels: number };
  /** The platform's brand: what an empty field falls back to. */
  platform: ResolvedBrand;
}

export function brandLabels(t: Translate): Record<BrandField, string> {
  return {
    displayName: t('console.brand.displayName'),
    primaryColor: t('console.brand.primaryColor'),
    productName: t('console.brand.productName'),
    senderName: t('console.brand.senderName'),
    authenticatorName: t('console.brand.authenticatorName'),
  };
}

/**
 * A colour shown without inline style (the console's CSP allows none): an SVG whose fill is a presentation attribute.
 * `colour` is a #rrggbb the domain checked; it is escaped all the same.
 */
function swatch(t: Translate, colour: string): SafeHtml {
  return html`<svg class="swatch" width="24" height="24" viewBox="0 0 24 24" role="img" aria-label="${t('console.brand.swatchLabel', { colour })}"><rect width="24" height="24" rx="4" fill="${colour}" stroke="#5c6670"/></svg>`;
}

/** A button as the hosted pages draw it: white text on the primary colour. */
function sampleButton(t: Translate, colour: string): SafeHtml {
  return html`<svg class="brand-sample-button" width="160" height="40" viewBox="0 0 160 40" role="img" aria-label="${t('console.brand.sampleLabel', { colour })}"><rect width="160" height="40" rx="4" fill="${colour}"/><text x="80" y="25" fill="#ffffff" text-anchor="middle" font-family="system-ui, sans-serif" font-size="15" font-weight="600">${t('console.brand.sample')}</text></svg>`;
}

function preview(t: Translate, view: BrandView): SafeHtml {
  const { effective, brand, logo, support } = view;
  const fallback = (own: string | undefined) => (own ? '' : html` <span class="badge">${t('console.brand.default')}</span>`);
  const contact = (['text', 'email', 'phone', 'url'] as const).map((key) => support[key]).filter((v): v is string => !!v);
  return html`<section class="panel brand-preview" aria-labelledby="brand-preview-title" data-testid="brand-preview">
<h2 id="brand-preview-title">${t('console.brand.preview')}</h2>
<div class="brand-sample">
  ${effective.logo ? html`<img src="${effective.logo.path}" alt="${t('console.brand.logoAlt', { name: effective.name })}" width="${String(effective.logo.width)}" height="${String(effective.logo.height)}" class="brand-logo">` : ''}
  <strong class="brand-name">${effective.name}</strong>
  ${sampleButton(t, effective.primaryColor)}
</div>
<dl class="facts">
  <dt>${t('console.brand.displayName')}</dt><dd data-testid="brand-name">${effective.name}${fallback(brand.displayName)}</dd>
  <dt>${t('console.brand.primaryColor')}</dt><dd data-testid="brand-colour">${swatch(t, effective.primaryColor)} <code>${effective.primaryColor}</code>${fallback(brand.primaryColor)}</dd>
  <dt>${t('console.brand.productName')}</dt><dd>${effective.productName}${fallback(brand.productName)}</dd>
  <dt>${t('console.brand.senderName')}</dt><dd>${effective.senderName || t('console.brand.senderDefault')}${fallback(brand.senderName)}</dd>
  <dt>${t('console.brand.authenticatorName')}</dt><dd>${effective.authenticatorName}${fallback(brand.authenticatorName)}</dd>
  <dt>${t('console.brand.logo')}</dt><dd data-testid="brand-logo">${logo ? html`<a href="${logo.path}">${t('console.brand.logoCurrent', { type: logo.contentType, width: logo.width, height: logo.height, kib: Math.max(1, Math.ceil(logo.bytes / 1024)) })}</a>` : t('console.brand.noLogo')}</dd>
  <dt>${t('console.brand.support')}</dt><dd>${contact.length ? contact.join(' · ') : t('console.brand.supportNone')}<p class="hint">${t('console.brand.supportHint')}</p></dd>
</dl>
</section>`;
}

/**
 * An organization's brand page: a preview of what its people see, the form of its names and colour (a refused value
 * stays as typed, its reason next to it), and its logo (upload as multipart/form-data, the CSRF token before the
 * file; remove).
 */
export function brandPage(t: Translate, input: BrandPageInput): SafeHtml {
  const { view, platform } = input;
  const slug = encodeURIComponent(view.organization.slug);
  const values: BrandFormValues = input.values ?? { ...view.brand };
  const errors = input.errors ?? {};
  const labels = brandLabels(t);
  const hints: Record<BrandField, string> = {
    displayName: t('console.brand.displayNameHint', { name: view.organization.name }),
    primaryColor: t('console.brand.primaryColorHint', { colour: platform.primaryColor }),
    productName: t('console.brand.productNameHint', { product: platform.productName }),
    senderName: t('console.brand.senderNameHint'),
    authenticatorName: t('console.brand.authenticatorNameHint'),
  };
  const maxlength: Record<BrandField, number> = { displayName: 100, primaryColor: 7, productName: 100, senderName: 100, authenticatorName: 64 };
  const uploadError = input.logoError;
  return html`<p>${t('console.brand.intro', { name: view.organization.name })}</p>
<p><a href="/admin/organizations">${t('console.brand.back')}</a></p>
${preview(t, view)}
<h2 id="brand-form-title">${t('console.brand.form')}</h2>
${errorSummary(t, errors)}
${form(
  `/admin/organizations/${slug}/brand`,
  input.csrf,
  html`${BRAND_FIELDS.map((name) => field({ name, label: labels[name], value: values[name] ?? '', hint: hints[name], ...(errors[name] ? { error: errors[name] } : {}), maxlength: maxlength[name], autocomplete: 'off' }))}
<div class="actions"><button type="submit" class="primary">${t('console.brand.save')}</button></div>`,
  { id: 'brand-form', className: 'panel' },
)}
<h2>${t('console.brand.logo')}</h2>
${errorSummary(t, { logo: uploadError })}
<div class="panel">
${
  view.logo
    ? html`<div class="brand-current-logo"><img src="${view.logo.path}" alt="${t('console.brand.logoAlt', { name: view.effective.name })}" width="${String(view.logo.width)}" height="${String(view.logo.height)}" class="brand-logo"></div>
${form(`/admin/organizations/${slug}/brand/logo/delete`, input.csrf, html`<button type="submit" class="secondary">${t('console.brand.logoRemove')}</button>`)}`
    : html`<p>${t('console.brand.noLogo')}</p>`
}
<form method="post" action="/admin/organizations/${slug}/brand/logo" enctype="multipart/form-data" id="brand-logo-form">
  <input type="hidden" name="_csrf" value="${input.csrf}">
  <div class="field${uploadError ? ' has-error' : ''}">
    <label for="f-logo">${t('console.brand.logoFile')}</label>
    <p class="hint" id="f-logo-hint">${t('console.brand.logoHint', { kib: input.limits.maxKiB, pixels: input.limits.maxPixels })}</p>
    ${uploadError ? html`<p class="error" id="f-logo-error">${uploadError}</p>` : ''}
    <input id="f-logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp" required aria-describedby="f-logo-hint${uploadError ? ' f-logo-error' : ''}"${uploadError ? html` aria-invalid="true"` : ''}>
  </div>
  <div class="actions"><button type="submit" class="secondary">${t('console.brand.logoUpload')}</button></div>
</form>
</div>`;
}
