import { LOCALE_NAMES, LOCALES, type Locale } from '../../i18n/locales.js';
import type { Translate } from '../../i18n/translate.js';
import { errorSummary, field, form, hidden, submit } from '../forms.js';
import { html, type SafeHtml } from '../html.js';

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

export function forgotForm(t: Translate, input: { csrf: string; email?: string; error?: string }): SafeHtml {
  return html`${errorSummary(t, { email: input.error })}
<p>${t('forgot.intro')}</p>
${form('/password/forgot', input.csrf, [
  field({ name: 'email', label: t('forgot.email'), type: 'email', autocomplete: 'email', value: input.email ?? '', required: true, autofocus: true, ...(input.error ? { error: input.error } : {}) }),
  html`<div class="actions">${submit(t('forgot.submit'))}<a href="/sign-in">${t('forgot.back')}</a></div>`,
])}`;
}

export function forgotSent(t: Translate): SafeHtml {
  return html`<p>${t('forgot.sent')}</p><p><a href="/sign-in">${t('forgot.back')}</a></p>`;
}

/** An activation or reset link that is invalid, expired or used: what happened and what to do. */
export function linkProblem(t: Translate, input: { problem: 'invalid' | 'expired' | 'used'; kind: 'activation' | 'reset' }): { title: string; body: SafeHtml } {
  if (input.problem === 'invalid') return { title: t('link.invalidTitle'), body: html`<p>${t('link.invalid')}</p><p><a href="/sign-in">${t('link.signIn')}</a></p>` };
  if (input.problem === 'expired') {
    return input.kind === 'reset'
      ? { title: t('link.expiredTitle'), body: html`<p>${t('link.expiredReset')}</p><p><a href="/password/forgot">${t('link.askNew')}</a></p>` }
      : { title: t('link.expiredTitle'), body: html`<p>${t('link.expiredActivation')}</p><p><a href="/sign-in">${t('link.signIn')}</a></p>` };
  }
  return input.kind === 'reset'
    ? { title: t('link.usedTitle'), body: html`<p>${t('link.usedReset')}</p><p><a href="/password/forgot">${t('link.askNew')}</a> · <a href="/sign-in">${t('link.signIn')}</a></p>` }
    : { title: t('link.usedTitle'), body: html`<p>${t('link.usedActivation')}</p><p><a href="/sign-in">${t('link.signIn')}</a></p>` };
}
