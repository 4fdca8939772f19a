import type { Translate } from '../../i18n/translate.js';
import { errorSummary, field, form } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { OrganizationChoice } from './userDetail.js';
import { organizationRoleFields, type UserFormErrors, type UserFormValues } from './userForms.js';

/**
 * Adding a person by email address: someone who already has an account on the platform is given the organization
 * and role chosen; anyone else goes on to the create form. Nothing about the person is shown before they are added.
 */
export function addUserForm(t: Translate, input: { csrf: string; organizations: OrganizationChoice[]; values: UserFormValues; errors: UserFormErrors }): SafeHtml {
  const { values: v, errors: e } = input;
  return html`<p>${t('console.add.intro')}</p>
${errorSummary(t, e)}
${form(
  '/admin/users/add',
  input.csrf,
  html`${field({ name: 'email', label: t('console.user.email'), type: 'email', autocomplete: 'off', value: v.email ?? '', required: true, autofocus: !e.organization && !e.role, maxlength: 320, ...(e.email ? { error: e.email } : {}) })}
<div class="row">${organizationRoleFields(t, input.organizations, { organization: 'organization', role: 'role' }, v, e, true)}</div>
<div class="actions"><button type="submit" class="primary">${t('console.add.submit')}</button><a href="/admin/users">${t('console.cancel')}</a></div>`,
  { id: 'add-user' },
)}
<p>${t('console.add.createInstead')} <a href="/admin/users/new${v.organization ? `?organization=${encodeURIComponent(v.organization)}` : ''}">${t('console.users.create')}</a></p>`;
}
