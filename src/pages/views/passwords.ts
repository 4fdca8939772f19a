import { LOCALE_NAMES, LOCALES, type Locale } from '../../i18n/locales.js';
import type { Translate } from '../../i18n/translate.js';
import { errorSummary, field, form, hidden, submit } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { TokenProblem } from '../../identity/credentials/oneTimeTokens.js';

export interface NewPasswordErrors {
  password?: string;
  confirm?: string;
  currentPassword?: string;
}

function newPasswordFields(t: Translate, errors: NewPasswordErrors, minLength: number, labels: { password: string; confirm: string }): SafeHtml[] {
  return [
    field({ name: 'password', label: labels.password, type: 'password', autocomplete: 'new-password', hint: t('password.hint', { min: minLength }), required: true, maxlength: 1024, ...(errors.password ? { error: errors.password } : {}) }),
    field({ name: 'confirm', label: labels.confirm, type: 'password', autocomplete: 'new-password', required: true, maxlength: 1024, ...(errors.confirm ? { error: errors.confirm } : {}) }),
  ];
}

export function activationForm(t: Translate, input: { csrf: string; token: string; name: string | null; userName: string | null; locale: Locale; minLength: number; errors: NewPasswordErrors }): SafeHtml {
  return html`${errorSummary(t, { ...input.errors })}
<p>${t('activate.intro', { name: input.name ? `, ${input.name}` : '' })}</p>
${form('/activate', input.csrf, [
  hidden('token', input.token),
  input.userName ? html`<input type="text" name="username" value="${input.userName}" autocomplete="username" hidden>` : html``,
  html`<div class="field"><label for="f-language">${t('activate.language')}</label>
  <select id="f-language" name="language" autocomplete="language">${LOCALES.map((l) => html`<option value="${l}" lang="${l}"${l === input.locale ? html` selected` : ''}>${LOCALE_NAMES[l]}</option>`)}</select></div>`,
  ...newPasswordFields(t, input.errors, input.minLength, { password: t('activate.password'), confirm: t('activate.confirm') }),
  submit(t('activate.submit')),
])}`;
}

export function resetForm(t: Translate, input: { csrf: string; token: string; minLength: number; errors: NewPasswordErrors }): SafeHtml {
  return html`${errorSummary(t, { ...input.errors })}
${form('/password/reset', input.csrf, [hidden('token', input.token), ...newPasswordFields(t, input.errors, input.minLength, { password: t('reset.password'), confirm: t('reset.confirm') }), submit(t('reset.submit'))])}`;
}

export function expiredPasswordForm(t: Translate, input: { csrf: string; minLength: number; errors: NewPasswordErrors }): SafeHtml {
  return html`${errorSummary(t, { ...input.errors })}
<p>${t('expired.intro')}</p>
${form('/sign-in/new-password', input.csrf, [...newPasswordFields(t, input.errors, input.minLength, { password: t('reset.password'), confirm: t('reset.confirm') }), submit(t('reset.submit'))])}`;
}

/** The sign-in page of the organization a page was opened for (`?org=`), if any. */
function signInHref(org: string | undefined): string {
  return org ? `/sign-in?org=${encodeURIComponent(org)}` : '/sign-in';
}

/** "Forgot password": `org` is the organization hint it was opened with, kept so that its answer keeps the brand. */
export function forgotForm(t: Translate, input: { csrf: string; email?: string; error?: string; org?: string }): SafeHtml {
  return html`${errorSummary(t, { email: input.error })}
<p>${t('forgot.intro')}</p>
${form('/password/forgot', input.csrf, [
  input.org ? hidden('org', input.org) : html``,
  field({ name: 'email', label: t('forgot.email'), type: 'email', autocomplete: 'email', value: input.email ?? '', required: true, autofocus: true, ...(input.error ? { error: input.error } : {}) }),
  html`<div class="actions">${submit(t('forgot.submit'))}<a href="${signInHref(input.org)}">${t('forgot.back')}</a></div>`,
])}`;
}

export function forgotSent(t: Translate, org?: string): SafeHtml {
  return html`<p>${t('forgot.sent')}</p><p><a href="${signInHref(org)}">${t('forgot.back')}</a></p>`;
}

/**
 * An activation or reset link that cannot be used (not valid, expired, used, replaced by a newer email, or of an
 * account an administrator locked): what happened, what to do, and whom to ask (`support`).
 */
export function linkProblem(t: Translate, input: { problem: TokenProblem; kind: 'activation' | 'reset'; support: SafeHtml }): { title: string; body: SafeHtml } {
  const signIn = html`<a href="/sign-in">${t('link.signIn')}</a>`;
  const askNew = html`<a href="/password/forgot">${t('link.askNew')}</a>`;
  const page = (title: string, text: string, links: SafeHtml) => ({ title, body: html`<p>${text}</p><p>${links}</p>${input.support}` });
  const reset = input.kind === 'reset';
  switch (input.problem) {
    case 'invalid':
      return page(t('link.invalidTitle'), t('link.invalid'), signIn);
    case 'expired':
      return reset ? page(t('link.expiredTitle'), t('link.expiredReset'), askNew) : page(t('link.expiredTitle'), t('link.expiredActivation'), signIn);
    case 'replaced':
      return reset ? page(t('link.replacedTitle'), t('link.replacedReset'), askNew) : page(t('link.replacedTitle'), t('link.replacedActivation'), signIn);
    case 'locked':
      return page(t('link.lockedTitle'), t('link.locked'), signIn);
    case 'used':
      return reset ? page(t('link.usedTitle'), t('link.usedReset'), html`${askNew} · ${signIn}`) : page(t('link.usedTitle'), t('link.usedActivation'), signIn);
  }
}

/** A sign-in that cannot go on because the account is locked (reached only after the password was accepted). */
export function lockedAccount(t: Translate, input: { lock: 'auto' | 'admin'; unlockMinutes: number; support: SafeHtml }): SafeHtml {
  const how = input.lock === 'admin' ? t('locked.byAdmin') : input.unlockMinutes > 0 ? t('locked.autoUnlock', { minutes: input.unlockMinutes }) : t('locked.autoNoUnlock');
  return html`<p>${t('locked.intro')}</p><p>${how}</p>${input.lock === 'auto' ? html`<p><a href="/password/forgot">${t('locked.reset')}</a></p>` : ''}${input.support}`;
}
