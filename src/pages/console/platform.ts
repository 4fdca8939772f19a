import type { Translate } from '../../i18n/translate.js';
import type { AdminApiTokenView } from '../../identity/apiTokens.js';
import type { AuditEventView } from '../../identity/auditLog.js';
import type { DirectoryView } from '../../identity/directories.js';
import type { OidcClientView } from '../../identity/oidcClients.js';
import type { OrganizationView } from '../../identity/organizations.js';
import type { RoleMappingView } from '../../identity/roleMappings.js';
import { field, form } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { checkbox, textarea, tokenTable } from './directories.js';
import { supportCell } from './organizationSupport.js';
import { when } from './format.js';
import { roleOptions, type OrganizationChoice } from './userDetail.js';

function kindLabel(t: Translate, kind: 'utility' | 'customer'): string {
  return t(kind === 'utility' ? 'console.orgs.kind.utility' : 'console.orgs.kind.customer');
}

/** The organizations an administrator manages (all, for platform administrators), and a form for a new one. */
export function organizationsPage(t: Translate, input: { csrf: string; organizations: OrganizationView[]; mayCreate: boolean }): SafeHtml {
  return html`<div class="table-wrap"><table data-testid="organizations">
  <thead><tr><th scope="col">${t('console.orgs.name')}</th><th scope="col">${t('console.orgs.slug')}</th><th scope="col">${t('console.orgs.kind')}</th><th scope="col">${t('console.orgs.mfaRequired')}</th><th scope="col">${t('console.orgs.users')}</th><th scope="col">${t('console.orgs.support')}</th><th scope="col">${t('console.orgs.brand')}</th></tr></thead>
  <tbody>${input.organizations.map(
    (o) => html`<tr><th scope="row">${o.name}</th><td><code>${o.slug}</code></td><td>${kindLabel(t, o.kind)}</td><td>${o.policy.mfaRequired ? t('console.yes') : t('console.no')}</td><td><a href="/admin/users?organization=${o.slug}&amp;status=all">${t('console.orgs.users')}<span class="visually-hidden">: ${o.name}</span></a></td><td>${supportCell(t, o, { csrf: input.csrf, mayEdit: input.mayCreate })}</td><td><a href="/admin/organizations/${encodeURIComponent(o.slug)}/brand">${t('console.orgs.brand')}<span class="visually-hidden">: ${o.name}</span></a></td></tr>`,
  )}</tbody>
</table></div>
${
  input.mayCreate
    ? html`<h2>${t('console.orgs.create')}</h2>${form(
        '/admin/organizations',
        input.csrf,
        html`<div class="row">
  <div class="field"><label for="f-kind">${t('console.orgs.kind')}</label><select id="f-kind" name="kind"><option value="utility">${kindLabel(t, 'utility')}</option><option value="customer">${kindLabel(t, 'customer')}</option></select></div>
  ${field({ name: 'name', label: t('console.orgs.name'), required: true, maxlength: 200, autocomplete: 'off' })}
  ${field({ name: 'slug', label: t('console.orgs.slug'), required: true, maxlength: 64, autocomplete: 'off' })}
</div>
<div class="field checkbox"><input type="checkbox" id="f-mfaRequired" name="mfaRequired" value="yes"> <label for="f-mfaRequired" class="inline-label">${t('console.orgs.mfaRequired')}</label></div>
<div class="actions"><button type="submit" class="secondary">${t('console.create')}</button></div>`,
        { className: 'panel' },
      )}`
    : ''
}`;
}

export function roleMappingsPage(t: Translate, input: { csrf: string; mappings: RoleMappingView[]; directories: DirectoryView[]; organizations: OrganizationChoice[] }): SafeHtml {
  const matchLabel = (type: string) => t(type === 'externalId' ? 'console.maps.match.externalId' : type === 'pattern' ? 'console.maps.match.pattern' : 'console.maps.match.displayName');
  return html`<p>${t('console.maps.intro')}</p>
${
  input.mappings.length === 0
    ? html`<p>${t('console.maps.empty')}</p>`
    : html`<div class="table-wrap"><table data-testid="role-mappings">
  <thead><tr><th scope="col">${t('console.maps.directory')}</th><th scope="col">${t('console.maps.matchType')}</th><th scope="col">${t('console.maps.matchValue')}</th><th scope="col">${t('console.form.organization')}</th><th scope="col">${t('console.form.role')}</th><th scope="col"><span class="visually-hidden">${t('console.delete')}</span></th></tr></thead>
  <tbody>${input.mappings.map(
    (m) => html`<tr><td>${m.directory.name}</td><td>${matchLabel(m.match.type)}</td><td><code>${m.match.value}</code></td><td>${m.organization.name}</td><td>${m.role}</td>
    <td><details class="confirm-inline"><summary>${t('console.delete')}<span class="visually-hidden"> ${m.match.value}</span></summary><p>${t('console.maps.deleted')}</p>${form(`/admin/role-mappings/${m.id}/delete`, input.csrf, html`<button type="submit" class="primary danger">${t('console.delete')}</button>`)}</details></td></tr>`,
  )}</tbody>
</table></div>`
}
<h2>${t('console.maps.create')}</h2>
${form(
  '/admin/role-mappings',
  input.csrf,
  html`<div class="row">
  <div class="field"><label for="f-directory">${t('console.maps.directory')}</label><select id="f-directory" name="directory">${input.directories.filter((d) => d.kind === 'sso').map((d) => html`<option value="${d.name}">${d.name}</option>`)}</select></div>
  <div class="field"><label for="f-matchType">${t('console.maps.matchType')}</label><select id="f-matchType" name="matchType">${(['displayName', 'externalId', 'pattern'] as const).map((m) => html`<option value="${m}">${matchLabel(m)}</option>`)}</select></div>
  ${field({ name: 'matchValue', label: t('console.maps.matchValue'), required: true, maxlength: 255, autocomplete: 'off' })}
  <div class="field"><label for="f-organization">${t('console.form.organization')}</label><select id="f-organization" name="organization">${input.organizations.map((o) => html`<option value="${o.slug}">${o.name}</option>`)}</select></div>
  <div class="field"><label for="f-role">${t('console.form.role')}</label><select id="f-role" name="role">${roleOptions(t, input.organizations)}</select></div>
  <div class="field submit"><button type="submit" class="secondary">${t('console.create')}</button></div>
</div>`,
  { className: 'panel' },
)}`;
}

export interface AuditFilters {
  action: string;
  user: string;
  organization: string;
  from: string;
  to: string;
  offset: number;
}

export function auditPage(t: Translate, input: { filters: AuditFilters; organizations: OrganizationView[]; result: { total: number; events: AuditEventView[] } | null; nextHref: string | null }): SafeHtml {
  const f = input.filters;
  return html`<form method="get" action="/admin/audit" class="filters audit-filters">
  ${field({ name: 'action', label: t('console.audit.actionFilter'), value: f.action, maxlength: 100, autocomplete: 'off' })}
  ${field({ name: 'user', label: t('console.audit.userFilter'), value: f.user, maxlength: 64, autocomplete: 'off' })}
  <div class="field"><label for="f-organization">${t('console.form.organization')}</label><select id="f-organization" name="organization"><option value="">${t('console.users.anyOrganization')}</option>${input.organizations.map((o) => html`<option value="${o.slug}"${o.slug === f.organization ? html` selected` : ''}>${o.name}</option>`)}</select></div>
  <div class="field"><label for="f-from">${t('console.audit.fromDate')}</label><input id="f-from" name="from" type="date" value="${f.from}"></div>
  <div class="field"><label for="f-to">${t('console.audit.toDate')}</label><input id="f-to" name="to" type="date" value="${f.to}"></div>
  <div class="field submit"><button type="submit" class="secondary">${t('console.audit.filter')}</button></div>
</form>
${
  !input.result
    ? html`<p>${t('console.audit.orgRequired')}</p>`
    : input.result.events.length === 0
      ? html`<p>${t('console.audit.empty')}</p>`
      : html`<div class="table-wrap"><table data-testid="audit">
  <thead><tr><th scope="col">${t('console.audit.when')}</th><th scope="col">${t('console.audit.actor')}</th><th scope="col">${t('console.audit.action')}</th><th scope="col">${t('console.audit.target')}</th><th scope="col">${t('console.audit.from')}</th></tr></thead>
  <tbody>${input.result.events.map(
    (e) => html`<tr><td>${when(e.occurredAt)}</td><td>${e.actor.label} <span class="badge">${e.actor.type}</span></td><td><code>${e.action}</code></td>
    <td>${e.userId ? html`<a href="/admin/users/${e.userId}">${e.target.type ?? 'user'}</a>` : (e.target.type ?? '—')}${e.target.id && !e.userId ? html` <code>${e.target.id.slice(0, 8)}</code>` : ''}</td><td>${e.ip ?? '—'}</td></tr>`,
  )}</tbody>
</table></div>
${input.nextHref ? html`<p><a href="${input.nextHref}">${t('console.audit.more')}</a></p>` : ''}`
}`;
}

export function apiTokensPage(t: Translate, input: { csrf: string; tokens: AdminApiTokenView[]; newToken?: { name: string; token: string } }): SafeHtml {
  return html`<p>${t('console.tokens.intro')}</p>
${input.newToken ? html`<div class="notice" role="status"><p><strong>${t('console.tokens.new')}: ${input.newToken.name}</strong></p><p>${t('console.shownOnce')}</p>
  ${textarea({ name: 'newToken', label: t('console.tokens.new'), value: input.newToken.token, rows: 2, readonly: true })}</div>` : ''}
${input.tokens.length === 0 ? html`<p>${t('console.tokens.empty')}</p>` : tokenTable(t, input.csrf, input.tokens, (id) => `/admin/api-tokens/${id}/revoke`)}
<h2>${t('console.tokens.create')}</h2>
${form(
  '/admin/api-tokens',
  input.csrf,
  html`<div class="row">${field({ name: 'name', label: t('console.tokens.name'), required: true, maxlength: 100, autocomplete: 'off' })}${field({ name: 'expiresInDays', label: t('console.tokens.expires'), inputmode: 'numeric', maxlength: 3, value: '90' })}
  <div class="field submit"><button type="submit" class="secondary">${t('console.create')}</button></div></div>`,
  { className: 'panel' },
)}`;
}

/** The back-channel logout fields of a client's form; `prefix` keeps the ids of several forms on one page apart. */
function backchannelFields(t: Translate, prefix: string, client: Pick<OidcClientView, 'backchannelLogoutUri' | 'backchannelLogoutSessionRequired'>): SafeHtml {
  const id = (name: string) => `${prefix}-${name}`;
  return html`<div class="field"><label for="${id('backchannelLogoutUri')}">${t('console.clients.backchannelUri')}</label>
    <p class="hint" id="${id('backchannelLogoutUri')}-hint">${t('console.clients.backchannelHint')}</p>
    <input id="${id('backchannelLogoutUri')}" name="backchannelLogoutUri" type="url" maxlength="2000" autocomplete="off" value="${client.backchannelLogoutUri ?? ''}" aria-describedby="${id('backchannelLogoutUri')}-hint"></div>
  <div class="field checkbox"><input type="checkbox" id="${id('backchannelLogoutSessionRequired')}" name="backchannelLogoutSessionRequired" value="yes"${client.backchannelLogoutSessionRequired ? html` checked` : ''}> <label for="${id('backchannelLogoutSessionRequired')}" class="inline-label">${t('console.clients.backchannelSessionRequired')}</label></div>`;
}

/** A client's back-channel logout URI in the list, and a small form (in a disclosure) that changes it. */
function backchannelCell(t: Translate, csrf: string, client: OidcClientView): SafeHtml {
  const shown = client.backchannelLogoutUri
    ? html`<code>${client.backchannelLogoutUri}</code>${client.backchannelLogoutSessionRequired ? html`<br><span class="hint">${t('console.clients.backchannelSessionRequired')}</span>` : ''}`
    : html`<span class="hint">${t('console.none')}</span>`;
  return html`${shown}
<details><summary>${t('console.clients.backchannelEdit')}<span class="visually-hidden">: ${client.name}</span></summary>
${form(
  `/admin/oidc-clients/${client.clientId}/backchannel-logout`,
  csrf,
  html`${backchannelFields(t, `f-${client.clientId}`, client)}<div class="actions"><button type="submit" class="secondary">${t('console.save')}</button></div>`,
)}
</details>`;
}

export function oidcClientsPage(
  t: Translate,
  input: { csrf: string; clients: OidcClientView[]; organizations: OrganizationView[]; created?: { name: string; clientId: string; clientSecret: string } },
): SafeHtml {
  return html`<p>${t('console.clients.intro')}</p>
${
  input.created
    ? html`<div class="notice" role="status"><p><strong>${t('console.clients.newCredentials', { name: input.created.name })}</strong></p><p>${t('console.shownOnce')}</p>
  ${textarea({ name: 'newClientId', label: t('console.clients.clientId'), value: input.created.clientId, rows: 1, readonly: true })}
  ${textarea({ name: 'newClientSecret', label: t('console.clients.clientSecret'), value: input.created.clientSecret, rows: 2, readonly: true })}</div>`
    : ''
}
${
  input.clients.length === 0
    ? html`<p>${t('console.clients.empty')}</p>`
    : html`<div class="table-wrap"><table data-testid="oidc-clients">
  <thead><tr><th scope="col">${t('console.clients.name')}</th><th scope="col">${t('console.clients.clientId')}</th><th scope="col">${t('console.clients.redirectUris')}</th><th scope="col">${t('console.clients.firstParty')}</th><th scope="col">${t('console.clients.organizations')}</th><th scope="col">${t('console.clients.backchannel')}</th><th scope="col"><span class="visually-hidden">${t('console.delete')}</span></th></tr></thead>
  <tbody>${input.clients.map(
    (c) => html`<tr><th scope="row">${c.name}</th><td><code>${c.clientId}</code></td><td>${c.redirectUris.map((u, i) => html`${i ? html`<br>` : ''}<code>${u}</code>`)}</td><td>${c.firstParty ? t('console.yes') : t('console.no')}</td><td>${c.organizations.map((o) => o.slug).join(', ') || t('console.clients.everyone')}</td><td>${backchannelCell(t, input.csrf, c)}</td>
    <td><a href="/admin/oidc-clients/${c.clientId}/delete">${t('console.delete')}<span class="visually-hidden"> ${c.name}</span></a></td></tr>`,
  )}</tbody>
</table></div>`
}
<h2>${t('console.clients.create')}</h2>
${form(
  '/admin/oidc-clients',
  input.csrf,
  html`${field({ name: 'name', label: t('console.clients.name'), required: true, maxlength: 200, autocomplete: 'off' })}
  ${textarea({ name: 'redirectUris', label: t('console.clients.redirectUris'), value: '', rows: 2, hint: t('console.clients.urisHint') })}
  ${textarea({ name: 'postLogoutRedirectUris', label: t('console.clients.postLogoutUris'), value: '', rows: 2, hint: t('console.clients.urisHint') })}
  ${checkbox('firstParty', t('console.clients.firstParty'), false)}
  ${backchannelFields(t, 'f', { backchannelLogoutUri: null, backchannelLogoutSessionRequired: false })}
  <div class="field"><label for="f-organizations">${t('console.clients.organizations')}</label>
    <p class="hint" id="f-organizations-hint">${t('console.clients.organizationsHint')}</p>
    <select id="f-organizations" name="organizations" multiple size="${String(Math.min(6, Math.max(2, input.organizations.length)))}" aria-describedby="f-organizations-hint">
      ${input.organizations.map((o) => html`<option value="${o.slug}">${o.name}</option>`)}
    </select></div>
  <div class="field submit"><button type="submit">${t('console.clients.create')}</button></div>`,
  { className: 'panel' },
)}`;
}

export function confirmOidcClientDeletePage(t: Translate, input: { csrf: string; client: OidcClientView }): SafeHtml {
  return html`<p>${t('console.clients.deleteIntro', { name: input.client.name })}</p>
${form(
  `/admin/oidc-clients/${input.client.clientId}/delete`,
  input.csrf,
  html`<div class="actions"><button type="submit" class="danger" autofocus>${t('console.clients.deleteSubmit')}</button> <a href="/admin/oidc-clients">${t('console.cancel')}</a></div>`,
)}`;
}
