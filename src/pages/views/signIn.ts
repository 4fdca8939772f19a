import type { Translate } from '../../i18n/translate.js';
import { errorSummary, field, form, hidden, submit } from '../forms.js';
import { html, type SafeHtml } from '../html.js';

/** A page of the sign-in flow with the flow's return address and organization hint kept in its query. */
function flowHref(path: string, input: { returnTo?: string | undefined; org?: string | undefined }): string {
  const query = new URLSearchParams();
  if (input.returnTo) query.set('return_to', input.returnTo);
  if (input.org) query.set('org', input.org);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Step 1: who is signing in (SSO addresses leave for their IdP here). `org`: the organization the page was opened for
 * (`/sign-in?org=slug`), kept through the steps so that a failed sign-in names its support contact.
 */
export function identifierStep(t: Translate, input: { csrf: string; identifier?: string; error?: string; returnTo?: string; org?: string }): SafeHtml {
  return html`${errorSummary(t, { identifier: input.error })}
${form('/sign-in', input.csrf, [
  input.returnTo ? hidden('return_to', input.returnTo) : html``,
  input.org ? hidden('org', input.org) : html``,
  field({ name: 'identifier', label: t('signIn.identifier'), type: 'text', autocomplete: 'username', value: input.identifier ?? '', required: true, autofocus: true, ...(input.error ? { error: input.error } : {}) }),
  html`<div class="actions">${submit(t('signIn.submit'))}<a href="${flowHref('/password/forgot', { org: input.org })}">${t('signIn.forgot')}</a></div>`,
])}`;
}

/** Step 2: the password, with the identifier kept for password managers; after a failure, whom to ask (`support`). */
export function passwordStep(t: Translate, input: { csrf: string; identifier: string; error?: string; returnTo?: string; org?: string; support?: SafeHtml }): SafeHtml {
  return html`${input.error ? html`<div class="error-summary" role="alert" tabindex="-1"><p class="error">${input.error}</p></div>` : ''}
${form('/sign-in/password', input.csrf, [
  input.returnTo ? hidden('return_to', input.returnTo) : html``,
  input.org ? hidden('org', input.org) : html``,
  field({ name: 'identifier', label: t('signIn.identifier'), type: 'text', autocomplete: 'username', value: input.identifier, readonly: true }),
  field({ name: 'password', label: t('signIn.password'), type: 'password', autocomplete: 'current-password', required: true, autofocus: true, maxlength: 1024 }),
  html`<div class="actions">${submit(t('signIn.submit'))}<a href="${flowHref('/password/forgot', { org: input.org })}">${t('signIn.forgot')}</a></div>`,
])}
<p><a href="${flowHref('/sign-in', input)}">${t('layout.change')}: ${input.identifier}</a></p>
${input.support ?? ''}`;
}

export function totpStep(t: Translate, input: { csrf: string; error?: string; recoveryError?: string }): SafeHtml {
  return html`${errorSummary(t, { code: input.error, recovery: input.recoveryError })}
<p>${t('totp.intro')}</p>
${form('/sign-in/totp', input.csrf, [
  field({ name: 'code', label: t('totp.code'), autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9 ]*', maxlength: 8, required: true, autofocus: !input.recoveryError, ...(input.error ? { error: input.error } : {}) }),
  submit(t('totp.submit')),
])}
<details${input.recoveryError ? html` open` : ''}>
  <summary>${t('totp.useRecovery')}</summary>
  ${form('/sign-in/recovery', input.csrf, [
    field({ name: 'recovery', label: t('totp.recoveryCode'), autocomplete: 'off', maxlength: 32, ...(input.recoveryError ? { error: input.recoveryError, autofocus: true } : {}) }),
    html`<button type="submit" class="secondary">${t('totp.recoverySubmit')}</button>`,
  ])}
</details>
${form('/sign-out', input.csrf, html`<p><button type="submit" class="link">${t('totp.cancel')}</button></p>`)}`;
}
