import { LOCALE_NAMES, LOCALES } from '../../i18n/locales.js';
import type { Translate } from '../../i18n/translate.js';
import type { UserView } from '../../identity/userView.js';
import { errorSummary, field, form, hidden } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { primaryPhone, userLabel } from './format.js';
import { actionLabel, roleOptions, type OrganizationChoice, type UserActionName } from './userDetail.js';

export type UserFormValues = Partial<Record<'givenName' | 'familyName' | 'email' | 'phone' | 'title' | 'sdkAccess' | 'preferredLanguage' | 'organization' | 'role' | 'organization2' | 'role2', string>>;
export type UserFormErrors = Record<string, string | undefined>;

function languageSelect(t: Translate, value: string | undefined): SafeHtml {
  return html`<div class="field"><label for="f-preferredLanguage">${t('console.form.language')}</label>
  <select id="f-preferredLanguage" name="preferredLanguage"><option value="">${t('console.form.languageNone')}</option>${LOCALES.map((l) => html`<option value="${l}" lang="${l}"${l === value ? html` selected` : ''}>${LOCALE_NAMES[l]}</option>`)}</select></div>`;
}

function sdkCheckbox(t: Translate, checked: boolean): SafeHtml {
  return html`<div class="field checkbox"><input type="checkbox" id="f-sdkAccess" name="sdkAccess" value="yes"${checked ? html` checked` : ''}> <label for="f-sdkAccess" class="inline-label">${t('console.form.sdkAccess')}</label></div>`;
}

function organizationRow(t: Translate, organizations: OrganizationChoice[], names: { organization: string; role: string }, label: string, values: UserFormValues, errors: UserFormErrors, required: boolean): SafeHtml {
  const org = values[names.organization as keyof UserFormValues] ?? '';
  const role = values[names.role as keyof UserFormValues] ?? '';
  return html`<fieldset class="row">
  <legend>${label}</legend>
  <div class="field${errors[names.organization] ? ' has-error' : ''}"><label for="f-${names.organization}">${t('console.form.organization')}</label>
    ${errors[names.organization] ? html`<p class="error" id="f-${names.organization}-error">${errors[names.organization]}</p>` : ''}
    <select id="f-${names.organization}" name="${names.organization}"${required ? html` required` : ''}${errors[names.organization] ? html` aria-invalid="true" aria-describedby="f-${names.organization}-error"` : ''}>
      <option value="">${t('console.form.chooseOrganization')}</option>${organizations.map((o) => html`<option value="${o.slug}"${o.slug === org ? html` selected` : ''}>${o.name}</option>`)}
    </select></div>
  <div class="field${errors[names.role] ? ' has-error' : ''}"><label for="f-${names.role}">${t('console.form.role')}</label>
    ${errors[names.role] ? html`<p class="error" id="f-${names.role}-error">${errors[names.role]}</p>` : ''}
    <select id="f-${names.role}" name="${names.role}"${errors[names.role] ? html` aria-invalid="true" aria-describedby="f-${names.role}-error"` : ''}>${roleOptions(t, organizations, role)}</select></div>
</fieldset>`;
}

type TextField = (name: keyof UserFormValues, label: string, type?: 'text' | 'email') => SafeHtml;

/** The user's own attributes, the same in the create and edit forms (`text` says how each input is drawn). */
function attributeFields(t: Translate, text: TextField, v: UserFormValues): SafeHtml {
  return html`<div class="two-columns">
  ${text('givenName', t('console.user.givenName'))}
  ${text('familyName', t('console.user.familyName'))}
  ${text('email', t('console.user.email'), 'email')}
  ${text('phone', t('console.user.phone'))}
  ${text('title', t('console.user.title'))}
  ${languageSelect(t, v.preferredLanguage)}
</div>
${sdkCheckbox(t, v.sdkAccess === 'yes')}`;
}

/** Creating a local user: every field the source products ask for, and one or two organizations with a role. */
export function newUserForm(t: Translate, input: { csrf: string; organizations: OrganizationChoice[]; values: UserFormValues; errors: UserFormErrors }): SafeHtml {
  const { values: v, errors: e } = input;
  const text = (name: keyof UserFormValues, label: string, type: 'text' | 'email' = 'text', autocomplete = 'off') =>
    field({ name, label, type, autocomplete, value: v[name] ?? '', required: true, maxlength: 255, ...(e[name] ? { error: e[name] } : {}) });
  return html`<p>${t('console.form.newIntro')}</p>
${errorSummary(t, e)}
${form(
  '/admin/users/new',
  input.csrf,
  html`${attributeFields(t, text, v)}
${organizationRow(t, input.organizations, { organization: 'organization', role: 'role' }, t('console.form.organization'), v, e, true)}
${organizationRow(t, input.organizations, { organization: 'organization2', role: 'role2' }, t('console.form.secondOrganization'), v, e, false)}
<div class="actions"><button type="submit" class="primary">${t('console.users.create')}</button><a href="/admin/users">${t('console.cancel')}</a></div>`,
  { id: 'new-user' },
)}`;
}

/** Editing a user; for a user of an SSO directory the attributes its IdP manages are shown read-only. */
export function editUserForm(t: Translate, input: { csrf: string; user: UserView; managedBy: 'local' | 'idp'; values?: UserFormValues; errors: UserFormErrors; notice?: string }): SafeHtml {
  const { user } = input;
  const idp = input.managedBy === 'idp';
  const v: UserFormValues = input.values ?? {
    givenName: user.name.givenName ?? '',
    familyName: user.name.familyName ?? '',
    email: user.email ?? '',
    phone: primaryPhone(user) ?? '',
    title: user.title ?? '',
    sdkAccess: user.sdkAccess ? 'yes' : '',
    preferredLanguage: user.preferredLanguage ?? '',
  };
  const e = input.errors;
  const text = (name: keyof UserFormValues, label: string, type: 'text' | 'email' = 'text') =>
    field({ name, label, type, autocomplete: 'off', value: v[name] ?? '', maxlength: 255, ...(idp ? { readonly: true, hint: t('console.form.readOnly') } : { required: true }), ...(e[name] ? { error: e[name] } : {}) });
  return html`${input.notice ? html`<p class="error">${input.notice}</p>` : ''}
${errorSummary(t, e)}
${form(
  `/admin/users/${user.id}/edit`,
  input.csrf,
  html`${hidden('version', String(user.version))}
${attributeFields(t, text, v)}
<div class="actions"><button type="submit" class="primary">${t('console.save')}</button><a href="/admin/users/${user.id}">${t('console.cancel')}</a></div>`,
  { id: 'edit-user' },
)}
<p class="visually-hidden">${userLabel(user)}</p>`;
}

/** Asking before an action that takes something away. */
export function confirmActionPage(t: Translate, input: { csrf: string; user: UserView; action: UserActionName }): SafeHtml {
  const label = actionLabel(t, input.action);
  return html`<p class="confirm-text">${t(`console.confirm.${input.action}` as Parameters<Translate>[0], { user: userLabel(input.user) })}</p>
${form(
  `/admin/users/${input.user.id}/actions/${input.action}`,
  input.csrf,
  html`${hidden('confirmed', 'yes')}<div class="actions"><button type="submit" class="primary danger" autofocus>${t('console.confirm.submit', { action: label.toLowerCase() })}</button><a href="/admin/users/${input.user.id}">${t('console.cancel')}</a></div>`,
)}`;
}

export function confirmRemovalPage(t: Translate, input: { csrf: string; user: UserView; organization: { slug: string; name: string } }): SafeHtml {
  return html`<p class="confirm-text">${t('console.confirm.remove', { user: userLabel(input.user), organization: input.organization.name })}</p>
${form(
  `/admin/users/${input.user.id}/memberships/${input.organization.slug}/remove`,
  input.csrf,
  html`<div class="field checkbox"><input type="checkbox" id="f-notify" name="notify" value="yes"> <label for="f-notify" class="inline-label">${t('console.confirm.notify')}</label></div>
<div class="actions"><button type="submit" class="primary danger">${t('console.remove')}</button><a href="/admin/users/${input.user.id}">${t('console.cancel')}</a></div>`,
)}`;
}

/** Deleting for good: the administrator types the username. */
export function confirmDeletePage(t: Translate, input: { csrf: string; user: UserView; error?: string }): SafeHtml {
  return html`${errorSummary(t, { confirm: input.error })}
<p class="confirm-text">${t('console.delete.intro', { userName: input.user.userName })}</p>
${form(
  `/admin/users/${input.user.id}/delete`,
  input.csrf,
  html`${field({ name: 'confirm', label: t('console.delete.confirmLabel'), autocomplete: 'off', required: true, autofocus: true, maxlength: 255, ...(input.error ? { error: input.error } : {}) })}
<div class="actions"><button type="submit" class="primary danger">${t('console.delete.submit')}</button><a href="/admin/users/${input.user.id}">${t('console.cancel')}</a></div>`,
)}`;
}
