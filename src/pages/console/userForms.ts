import { LOCALE_NAMES, LOCALES } from '../../i18n/locales.js';
import type { Translate } from '../../i18n/translate.js';
import type { UserView } from '../../identity/userView.js';
import { errorSummary, field, form, hidden } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { primaryPhone, userLabel } from './format.js';
import { defaultRoleOf, roleChoices, type OrganizationChoice, type UserActionName } from './userDetail.js';

/** A user form's values by field name: the attributes, then organization and role, organization2 and role2, and so on. */
export type UserFormValues = Partial<Record<string, string>>;
export type UserFormErrors = Record<string, string | undefined>;

/** Organization rows the create form can hold (each adds two fields; the console's body parser reads at most 100). */
export const MAX_ORGANIZATION_ROWS = 40;
/** From how many organizations on an organization select gets a filter box (added by the console script). */
export const ORGANIZATION_FILTER_FROM = 6;

/** The field names of the create form's n-th organization row: organization and role, then organization2 and role2… */
export function membershipNames(row: number): { organization: string; role: string } {
  return row === 1 ? { organization: 'organization', role: 'role' } : { organization: `organization${row}`, role: `role${row}` };
}

function languageSelect(t: Translate, value: string | undefined): SafeHtml {
  return html`<div class="field"><label for="f-preferredLanguage">${t('console.form.language')}</label>
  <select id="f-preferredLanguage" name="preferredLanguage"><option value="">${t('console.form.languageNone')}</option>${LOCALES.map((l) => html`<option value="${l}" lang="${l}"${l === value ? html` selected` : ''}>${LOCALE_NAMES[l]}</option>`)}</select></div>`;
}

function sdkCheckbox(t: Translate, checked: boolean): SafeHtml {
  return html`<div class="field checkbox"><input type="checkbox" id="f-sdkAccess" name="sdkAccess" value="yes"${checked ? html` checked` : ''}> <label for="f-sdkAccess" class="inline-label">${t('console.form.sdkAccess')}</label></div>`;
}

/**
 * An organization and a role in it. Without script the select lists every organization; with it, a long list gets a
 * box that filters it as you type. The role preselected is the catalog's default (or none, to choose), never a higher one.
 */
export function organizationRoleFields(t: Translate, organizations: OrganizationChoice[], names: { organization: string; role: string }, values: UserFormValues, errors: UserFormErrors, required: boolean): SafeHtml {
  const org = values[names.organization] ?? (required && organizations.length === 1 ? organizations[0]!.slug : '');
  const role = values[names.role] ?? defaultRoleOf(organizations);
  const errorOf = (name: string) => (errors[name] ? html`<p class="error" id="f-${name}-error">${errors[name]}</p>` : '');
  const invalid = (name: string) => (errors[name] ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : '');
  return html`<div class="field${errors[names.organization] ? ' has-error' : ''}"><label for="f-${names.organization}">${t('console.form.organization')}</label>
    ${errorOf(names.organization)}
    <select id="f-${names.organization}" name="${names.organization}"${required ? html` required` : ''}${invalid(names.organization)}${organizations.length >= ORGANIZATION_FILTER_FROM ? html` data-filter="${t('console.form.filterOrganizations')}"` : ''}>
      <option value="">${t('console.form.chooseOrganization')}</option>${organizations.map((o) => html`<option value="${o.slug}"${o.slug === org ? html` selected` : ''}>${o.name}</option>`)}
    </select></div>
  <div class="field${errors[names.role] ? ' has-error' : ''}"><label for="f-${names.role}">${t('console.form.role')}</label>
    ${errorOf(names.role)}
    <select id="f-${names.role}" name="${names.role}"${required ? html` required` : ''}${invalid(names.role)}>${roleChoices(t, organizations, role)}</select></div>`;
}

function organizationRow(t: Translate, organizations: OrganizationChoice[], row: number, values: UserFormValues, errors: UserFormErrors): SafeHtml {
  return html`<fieldset class="row" data-row="${String(row)}">
  <legend>${row === 1 ? t('console.form.organization') : t('console.form.organizationN', { n: row })}</legend>
  ${organizationRoleFields(t, organizations, membershipNames(row), values, errors, row === 1)}
</fieldset>`;
}

type TextField = (name: string, label: string, type?: 'text' | 'email') => SafeHtml;

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

/**
 * Creating a local user: every field the source products ask for, and one or more organizations with a role ("Add
 * another organization" posts the form back with one more row; nothing is created until "Create user").
 */
export function newUserForm(t: Translate, input: { csrf: string; organizations: OrganizationChoice[]; values: UserFormValues; errors: UserFormErrors; rows?: number }): SafeHtml {
  const { values: v, errors: e } = input;
  const rows = Math.min(Math.max(input.rows ?? 2, 2), MAX_ORGANIZATION_ROWS);
  const text = (name: string, label: string, type: 'text' | 'email' = 'text', autocomplete = 'off') =>
    field({ name, label, type, autocomplete, value: v[name] ?? '', required: true, maxlength: 255, ...(e[name] ? { error: e[name] } : {}) });
  return html`<p>${t('console.form.newIntro')} <a href="/admin/users/add">${t('console.form.addExistingInstead')}</a></p>
${errorSummary(t, e)}
${form(
  '/admin/users/new',
  input.csrf,
  html`${attributeFields(t, text, v)}
${Array.from({ length: rows }, (_, i) => organizationRow(t, input.organizations, i + 1, v, e))}
${hidden('rows', String(rows))}
<div class="actions"><button type="submit" class="primary">${t('console.users.create')}</button>${rows < MAX_ORGANIZATION_ROWS ? html`<button type="submit" class="secondary" name="more" value="yes">${t('console.form.addRow')}</button>` : ''}<a href="/admin/users">${t('console.cancel')}</a></div>`,
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

/**
 * Where a confirmation page's form and cancel link lead: the action's address carries the list's state (`query`, '' or
 * '?…') and cancelling goes back to where the action was started (`back`: the list, or the user's page).
 */
export interface ConfirmWay {
  query?: string;
  back?: string;
}

/** Asking before an action that takes something away. */
export function confirmActionPage(t: Translate, input: { csrf: string; user: UserView; action: UserActionName } & ConfirmWay): SafeHtml {
  return html`<p class="confirm-text">${t(`console.confirm.${input.action}` as Parameters<Translate>[0], { user: userLabel(input.user) })}</p>
${form(
  `/admin/users/${input.user.id}/actions/${input.action}${input.query ?? ''}`,
  input.csrf,
  html`${hidden('confirmed', 'yes')}<div class="actions"><button type="submit" class="primary danger" autofocus>${t(`console.confirm.yes.${input.action}`)}</button><a href="${input.back ?? `/admin/users/${input.user.id}`}">${t('console.cancel')}</a></div>`,
)}`;
}

export function confirmRemovalPage(t: Translate, input: { csrf: string; user: UserView; organization: { slug: string; name: string } } & ConfirmWay): SafeHtml {
  return html`<p class="confirm-text">${t('console.confirm.remove', { user: userLabel(input.user), organization: input.organization.name })}</p>
${form(
  `/admin/users/${input.user.id}/memberships/${input.organization.slug}/remove${input.query ?? ''}`,
  input.csrf,
  html`<div class="field checkbox"><input type="checkbox" id="f-notify" name="notify" value="yes"> <label for="f-notify" class="inline-label">${t('console.confirm.notify')}</label></div>
<div class="actions"><button type="submit" class="primary danger">${t('console.remove')}</button><a href="${input.back ?? `/admin/users/${input.user.id}`}">${t('console.cancel')}</a></div>`,
)}`;
}

/** Deleting for good: the administrator types the username. */
export function confirmDeletePage(t: Translate, input: { csrf: string; user: UserView; error?: string } & ConfirmWay): SafeHtml {
  return html`${errorSummary(t, { confirm: input.error })}
<p class="confirm-text">${t('console.delete.intro', { userName: input.user.userName })}</p>
${form(
  `/admin/users/${input.user.id}/delete${input.query ?? ''}`,
  input.csrf,
  html`${field({ name: 'confirm', label: t('console.delete.confirmLabel'), autocomplete: 'off', required: true, autofocus: true, maxlength: 255, ...(input.error ? { error: input.error } : {}) })}
<div class="actions"><button type="submit" class="primary danger">${t('console.delete.submit')}</button><a href="${input.back ?? `/admin/users/${input.user.id}`}">${t('console.cancel')}</a></div>`,
)}`;
}
