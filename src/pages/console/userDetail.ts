import { LOCALE_NAMES, toLocale } from '../../i18n/locales.js';
import type { Translate } from '../../i18n/translate.js';
import type { UserView } from '../../identity/userView.js';
import { form } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { primaryPhone, statusBadge, userLabel, when } from './format.js';

/** An action button of the user page, or a link to its confirmation. */
export type UserActionName = 'lock' | 'unlock' | 'send_password_reset' | 'resend_activation' | 'reset_mfa' | 'deactivate' | 'reactivate';

export interface OrganizationChoice {
  slug: string;
  name: string;
  kind: 'utility' | 'customer';
  roles: Array<{ key: string; label: string }>;
  /** The catalog's default role of the kind, when the administrator may give it: preselected (never a higher one). */
  defaultRole?: string;
}

export interface UserDetailInput {
  csrf: string;
  user: UserView;
  /** Where the user's identity comes from: idbridge, or the IdP of an SSO directory. */
  managedBy: 'local' | 'idp';
  directoryName: string;
  mfaEnrolled: boolean;
  /** The actions the user's status allows, in the order of the buttons. */
  actions: UserActionName[];
  /** Whether this administrator may change this user at all (organization administrators cannot touch platform administrators). */
  mayChange: boolean;
  /** Organizations the administrator may give roles in, with their roles. */
  assignable: OrganizationChoice[];
  /** The list address to go back to. */
  backTo: string;
  /** Back to the list, previous and next within it (userNavigation.ts); without it, a link back. */
  navigation?: SafeHtml;
  /** The list's state, carried by the actions so that they come back to this page as it was ('' or '?…'). */
  actionQuery?: string;
}

const ACTION_LABELS: Record<UserActionName, Parameters<Translate>[0]> = {
  lock: 'console.user.lock',
  unlock: 'console.user.unlock',
  send_password_reset: 'console.user.sendReset',
  resend_activation: 'console.user.resendActivation',
  reset_mfa: 'console.user.resetMfa',
  deactivate: 'console.user.deactivate',
  reactivate: 'console.user.reactivate',
};

/** Actions that ask first: they take something away from the user. */
export const CONFIRMED_ACTIONS: ReadonlySet<UserActionName> = new Set(['send_password_reset', 'reset_mfa', 'deactivate']);

export function actionLabel(t: Translate, action: UserActionName): string {
  return t(ACTION_LABELS[action]);
}

function attributeRows(t: Translate, input: UserDetailInput): SafeHtml {
  const { user } = input;
  const idp = input.managedBy === 'idp';
  // The source is said only where a value comes from an IdP; what idbridge keeps goes without saying.
  const fromIdp = t('console.user.fromIdp', { directory: input.directoryName });
  const local = '';
  const language = toLocale(user.preferredLanguage);
  const rows: Array<[string, SafeHtml | string, string]> = [
    [t('console.user.givenName'), user.name.givenName ?? '—', idp ? fromIdp : local],
    [t('console.user.familyName'), user.name.familyName ?? '—', idp ? fromIdp : local],
    [t('console.user.userName'), user.userName, idp ? fromIdp : local],
    [t('console.user.email'), user.email ?? '—', idp ? fromIdp : local],
    [t('console.user.phone'), primaryPhone(user) ?? '—', idp ? fromIdp : local],
    [t('console.user.title'), user.title ?? '—', idp ? fromIdp : local],
    [t('console.user.language'), language ? LOCALE_NAMES[language] : (user.preferredLanguage ?? '—'), local],
    [t('console.user.sdkAccess'), user.sdkAccess ? t('console.yes') : t('console.no'), local],
    [t('console.user.status'), statusBadge(t, user.status), local],
    ...(idp ? [] : [[t('console.user.mfa'), input.mfaEnrolled ? t('console.user.mfaOn') : t('console.user.mfaOff'), local] as [string, string, string]]),
    [t('console.user.lastSignIn'), when(user.lastSignInAt), local],
    [t('console.user.created'), when(user.createdAt), local],
    [t('console.user.updated'), when(user.updatedAt), local],
  ];
  return html`<table class="attributes" data-testid="attributes">
  <caption class="visually-hidden">${t('console.user.details')}</caption>
  <thead><tr><th scope="col">${t('console.user.attribute')}</th><th scope="col">${t('console.user.value')}</th>${idp ? html`<th scope="col">${t('console.user.source')}</th>` : ''}</tr></thead>
  <tbody>${rows.map(([name, value, source]) => html`<tr><th scope="row">${name}</th><td>${value}</td>${idp ? html`<td class="source">${source}</td>` : ''}</tr>`)}</tbody>
</table>`;
}

function actionButtons(t: Translate, input: UserDetailInput): SafeHtml {
  const id = input.user.id;
  const q = input.actionQuery ?? '';
  return html`<div class="action-bar">
  <a class="button secondary" href="/admin/users/${id}/edit">${t('console.user.edit')}</a>
  ${input.actions.map((action) => {
    if (action === 'unlock' && input.managedBy === 'local') {
      return form(`/admin/users/${id}/actions/unlock${q}`, input.csrf, html`<span class="unlock-options"><input type="checkbox" id="f-sendPasswordReset" name="sendPasswordReset" value="yes"> <label for="f-sendPasswordReset" class="inline-label">${t('console.user.unlockWithReset')}</label></span>
        <button type="submit" class="secondary">${t('console.user.unlock')}</button>`, { className: 'inline action' });
    }
    if (CONFIRMED_ACTIONS.has(action)) return html`<a class="button secondary" href="/admin/users/${id}/confirm/${action}${q}">${actionLabel(t, action)}</a>`;
    return form(`/admin/users/${id}/actions/${action}${q}`, input.csrf, html`<button type="submit" class="secondary">${actionLabel(t, action)}</button>`, { className: 'inline action' });
  })}
  <a class="button danger" href="/admin/users/${id}/delete${q}">${t('console.user.delete')}</a>
</div>`;
}

function memberships(t: Translate, input: UserDetailInput): SafeHtml {
  const { user } = input;
  const assignable = new Set(input.assignable.map((o) => o.slug));
  return html`<h2 id="memberships">${t('console.user.memberships')}</h2>
${
  user.memberships.length === 0
    ? html`<p>${t('console.user.noMemberships')}</p>`
    : html`<table class="memberships" data-testid="memberships">
  <thead><tr><th scope="col">${t('console.form.organization')}</th><th scope="col">${t('console.form.role')}</th><th scope="col">${t('console.user.source')}</th><th scope="col"><span class="visually-hidden">${t('console.user.actions')}</span></th></tr></thead>
  <tbody>${user.memberships.map(
    (m) => html`<tr>
    <th scope="row">${m.organization.name}</th>
    <td>${m.roleLabel}</td>
    <td>${m.sources.map((s, i) => html`${i ? html`<br>` : ''}${s.type === 'direct' ? t('console.user.sourceDirect') : t('console.user.sourceGroup', { group: s.group.displayName })}`)}</td>
    <td>${input.mayChange && assignable.has(m.organization.slug) && m.sources.some((s) => s.type === 'direct') ? html`<a href="/admin/users/${user.id}/memberships/${m.organization.slug}/remove${input.actionQuery ?? ''}">${t('console.remove')}<span class="visually-hidden"> ${m.organization.name}</span></a>` : ''}</td>
  </tr>`,
  )}</tbody>
</table>`
}
${input.mayChange && input.assignable.length > 0 ? membershipForm(t, input) : ''}`;
}

function membershipForm(t: Translate, input: UserDetailInput): SafeHtml {
  return html`<details class="add-membership">
  <summary>${t('console.user.addMembership')}</summary>
  ${form(
    `/admin/users/${input.user.id}/memberships${input.actionQuery ?? ''}`,
    input.csrf,
    html`<div class="row">
    <div class="field"><label for="f-m-organization">${t('console.form.organization')}</label>
      <select id="f-m-organization" name="organization" required>${input.assignable.map((o) => html`<option value="${o.slug}">${o.name}</option>`)}</select></div>
    <div class="field"><label for="f-m-role">${t('console.form.role')}</label>
      <select id="f-m-role" name="role" required>${roleChoices(t, input.assignable, defaultRoleOf(input.assignable))}</select></div>
    <div class="field submit"><button type="submit" class="secondary">${t('console.user.addMembershipSubmit')}</button></div>
  </div>`,
  )}
</details>`;
}

/** The role to preselect: the catalog's default when every organization offered has the same one; else none. */
export function defaultRoleOf(organizations: OrganizationChoice[]): string {
  const defaults = new Set(organizations.map((o) => o.defaultRole ?? ''));
  return defaults.size === 1 ? [...defaults][0]! : '';
}

/** The options of a role select: `selected` chosen, or, without one, an empty first choice (never the highest role by default). */
export function roleChoices(t: Translate, organizations: OrganizationChoice[], selected: string): SafeHtml {
  const chosen = organizations.some((o) => o.roles.some((r) => r.key === selected)) ? selected : '';
  return html`${chosen ? '' : html`<option value="" selected>${t('console.form.chooseRole')}</option>`}${roleOptions(t, organizations, chosen)}`;
}

/** The roles of the organizations' kinds, under the kind's name (utility and customer roles differ). */
export function roleOptions(t: Translate, organizations: OrganizationChoice[], selected = ''): SafeHtml {
  const byKind = new Map<string, OrganizationChoice['roles']>();
  for (const o of organizations) byKind.set(o.kind, o.roles);
  return html`${[...byKind.entries()].map(
    ([kind, roles]) => html`<optgroup label="${t(kind === 'utility' ? 'console.orgs.kind.utility' : 'console.orgs.kind.customer')}">${roles.map((r) => html`<option value="${r.key}"${r.key === selected ? html` selected` : ''}>${r.label}</option>`)}</optgroup>`,
  )}`;
}

/** The user's page: who they are and where each attribute comes from, their organizations, and what can be done. */
export function userDetailPage(t: Translate, input: UserDetailInput): SafeHtml {
  const { user } = input;
  return html`${input.navigation ?? html`<p><a href="${input.backTo}">← ${t('console.user.backToList')}</a></p>`}
<section class="user-detail" aria-labelledby="detail-heading" data-testid="user-detail">
<h2 id="detail-heading">${userLabel(user)} ${statusBadge(t, user.status)}${user.isPlatformAdmin ? html` <span class="badge">${t('console.user.platformAdmin')}</span>` : ''}</h2>
${input.managedBy === 'idp' ? html`<p class="idp-note">${t('console.user.idpNote', { directory: input.directoryName })}</p>` : ''}
${input.mayChange ? html`<h3 class="visually-hidden">${t('console.user.actions')}</h3>${actionButtons(t, input)}` : ''}
${attributeRows(t, input)}
${memberships(t, input)}
</section>`;
}
