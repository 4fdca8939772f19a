import type { Translate } from '../../i18n/translate.js';
import type { AccountPermissions } from '../../identity/accounts/permissions.js';
import type { UserView } from '../../identity/userView.js';
import { form } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { userLabel } from './format.js';
import { actionLabel, CONFIRMED_ACTIONS, type UserActionName } from './userDetail.js';

export interface RowActionsInput {
  csrf: string;
  user: UserView;
  /** What the policy lets this administrator do to this user (none: only View). */
  permissions: AccountPermissions | undefined;
  /** The organization of the row's group (a user in two organizations has a row in each). */
  organization: { slug: string; name: string } | null;
  /** The user's page, with the list's state. */
  userHref: string;
  /** The list's state and `return=list`, appended to every action's address so that it comes back to this list. */
  query: string;
}

/** The row menu's actions, in the order of the portal product's Actions column. */
const MENU_ACTIONS: readonly UserActionName[] = ['reset_mfa', 'resend_activation', 'lock', 'unlock'];

/**
 * A row's actions, in a menu that needs no script (a <details>): View and Edit, then those of Reset MFA, Resend
 * activation email, Lock or Unlock, Remove from the row's organization and Delete that the policy allows on this
 * user. An action that takes something away goes through the same confirmation page as on the user's page; the others
 * are buttons in forms with the CSRF token. Every control names the user (visually hidden), so that a screen reader
 * hears "Lock (Ana García)", not one "Lock" per row.
 */
export function userRowActions(t: Translate, input: RowActionsInput): SafeHtml {
  const { user, permissions: p, query } = input;
  const name = userLabel(user);
  const who = html`<span class="visually-hidden"> (${name})</span>`;
  const base = `/admin/users/${user.id}`;
  const items: SafeHtml[] = [html`<a href="${input.userHref}">${t('console.users.view')}${who}</a>`];
  if (p?.mayEdit) items.push(html`<a href="${base}/edit">${t('console.user.edit')}${who}</a>`);
  for (const action of MENU_ACTIONS.filter((a) => p?.actions.includes(a))) {
    items.push(
      CONFIRMED_ACTIONS.has(action)
        ? html`<a href="${base}/confirm/${action}${query}">${actionLabel(t, action)}${who}</a>`
        : form(`${base}/actions/${action}${query}`, input.csrf, html`<button type="submit" class="menu-item">${actionLabel(t, action)}${who}</button>`, { className: 'inline' }),
    );
  }
  if (input.organization && p?.removableFrom.includes(input.organization.slug)) {
    items.push(html`<a href="${base}/memberships/${input.organization.slug}/remove${query}">${t('console.users.removeFrom', { organization: input.organization.name })}${who}</a>`);
  }
  if (p?.mayDelete) items.push(html`<a href="${base}/delete${query}" class="danger">${t('console.user.delete')}${who}</a>`);
  return html`<details class="row-actions">
  <summary title="${t('console.users.actions')}"><span aria-hidden="true">⋯</span><span class="visually-hidden">${t('console.users.actions')} (${name})</span></summary>
  <ul class="menu">${items.map((item) => html`<li>${item}</li>`)}</ul>
</details>`;
}
