import { LOCALE_NAMES, LOCALES, type Locale } from '../../i18n/locales.js';
import type { Translate } from '../../i18n/translate.js';
import type { UserView } from '../../identity/userView.js';
import { errorSummary, field, form, submit } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { NewPasswordErrors } from './passwords.js';

export interface AccountPageInput {
  csrf: string;
  user: UserView;
  locale: Locale;
  mfaEnrolled: boolean;
  recoveryCodesLeft: number;
  minLength: number;
  /** Users of an SSO directory have no password or authenticator here: their IdP manages them. */
  localAccount: boolean;
  passwordErrors?: NewPasswordErrors;
  /** Freshly generated recovery codes, shown once. */
  newCodes?: string[];
}

export function accountPage(t: Translate, input: AccountPageInput): SafeHtml {
  const { user } = input;
  const name = [user.name.givenName, user.name.familyName].filter(Boolean).join(' ') || user.displayName || user.userName;
  const errors = input.passwordErrors ?? {};
  const when = user.lastSignInAt ? new Intl.DateTimeFormat(input.locale === 'es' ? 'es-ES' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(user.lastSignInAt)) + ' UTC' : '—';
  return html`<h2 id="profile">${t('account.profile')}</h2>
<dl class="facts">
  <dt>${t('account.name')}</dt><dd>${name}</dd>
  <dt>${t('account.email')}</dt><dd>${user.email ?? '—'}</dd>
  <dt>${t('account.userName')}</dt><dd>${user.userName}</dd>
  <dt>${t('account.organizations')}</dt><dd>${user.memberships.length ? user.memberships.map((m, i) => html`${i ? ', ' : ''}${m.organization.name} (${m.roleLabel})`) : '—'}</dd>
  <dt>${t('account.lastSignIn')}</dt><dd>${when}</dd>
</dl>
${form('/account/language', input.csrf, [
  html`<div class="field"><label for="f-language">${t('account.language')}</label>
  <select id="f-language" name="language">${LOCALES.map((l) => html`<option value="${l}" lang="${l}"${l === input.locale ? html` selected` : ''}>${LOCALE_NAMES[l]}</option>`)}</select></div>`,
  html`<button type="submit" class="secondary">${t('account.saveLanguage')}</button>`,
])}

${input.localAccount ? credentialSections(t, input, errors) : ''}

${form('/sign-out', input.csrf, html`<p class="actions"><button type="submit" class="secondary">${t('account.signOut')}</button></p>`)}`;
}

function credentialSections(t: Translate, input: AccountPageInput, errors: NewPasswordErrors): SafeHtml {
  const { user } = input;
  return html`<h2 id="password">${t('account.password')}</h2>
${errorSummary(t, { ...errors })}
${form('/account/password', input.csrf, [
  html`<input type="text" name="username" value="${user.userName}" autocomplete="username" hidden>`,
  field({ name: 'currentPassword', label: t('account.currentPassword'), type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024, ...(errors.currentPassword ? { error: errors.currentPassword } : {}) }),
  field({ name: 'password', label: t('account.newPassword'), type: 'password', autocomplete: 'new-password', hint: t('password.hint', { min: input.minLength }), required: true, maxlength: 1024, ...(errors.password ? { error: errors.password } : {}) }),
  field({ name: 'confirm', label: t('account.confirmPassword'), type: 'password', autocomplete: 'new-password', required: true, maxlength: 1024, ...(errors.confirm ? { error: errors.confirm } : {}) }),
  submit(t('account.changePassword')),
])}

<h2 id="mfa">${t('account.mfa')}</h2>
<p>${input.mfaEnrolled ? t('account.mfaOn') : t('account.mfaOff')}</p>
${
  input.mfaEnrolled
    ? html`<p>${t('account.recoveryLeft', { count: input.recoveryCodesLeft })}</p>
${input.newCodes ? html`<ol class="codes" data-testid="recovery-codes">${input.newCodes.map((c) => html`<li><code>${c}</code></li>`)}</ol>` : ''}
${form('/account/recovery-codes', input.csrf, html`<button type="submit" class="secondary">${t('account.regenerate')}</button>`)}`
    : html`<p><a href="/account/mfa">${t('account.mfaSetUp')}</a></p>`
}`;
}
