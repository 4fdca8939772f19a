import type { Translate } from '../../i18n/translate.js';
import type { AccountPermissions } from '../../identity/accounts/permissions.js';
import type { AdminSort, AdminUserList } from '../../identity/accounts/read.js';
import type { OrganizationView } from '../../identity/organizations.js';
import { USER_STATUSES } from '../../identity/statusMachine.js';
import type { UserView } from '../../identity/userView.js';
import { html, type SafeHtml } from '../html.js';
import { statusBadge, when } from './format.js';
import { userRowActions } from './userRowActions.js';

/** The list's state, as it travels in the address (so that a search can be bookmarked and works without script). */
export interface UserListFilters {
  search: string;
  /** '' (not chosen: active users, or every status in a search), 'all', 'LOCKED' (both locked statuses), or one status. */
  status: string;
  role: string;
  organization: string;
  sort: AdminSort | '';
  order: 'asc' | 'desc';
  page: number;
}

export interface UserListInput {
  filters: UserListFilters;
  /** Null when the search is too short to run. */
  result: AdminUserList | null;
  organizations: OrganizationView[];
  roles: Array<{ key: string; label: string }>;
  /** The organizations whose groups to show (an organization administrator's own); empty: all. */
  visibleOrganizationIds: string[];
  csrf: string;
  /** What the administrator may do to each listed user (the row actions), by user id. */
  permissions: ReadonlyMap<string, AccountPermissions>;
}

const COLUMNS: Array<{ sort: AdminSort; label: Parameters<Translate>[0] }> = [
  { sort: 'givenName', label: 'console.col.givenName' },
  { sort: 'familyName', label: 'console.col.familyName' },
  { sort: 'userName', label: 'console.col.userName' },
  { sort: 'status', label: 'console.col.status' },
  { sort: 'role', label: 'console.col.role' },
  { sort: 'email', label: 'console.col.email' },
  { sort: 'lastSignInAt', label: 'console.col.lastSignInAt' },
  { sort: 'createdAt', label: 'console.col.createdAt' },
  { sort: 'updatedAt', label: 'console.col.updatedAt' },
];

/** The address of the list with some of its state changed; default values are left out. */
export function listHref(filters: UserListFilters, change: Partial<UserListFilters> = {}, path = '/admin/users'): string {
  const next = { ...filters, ...change };
  const params = new URLSearchParams();
  if (next.search) params.set('search', next.search);
  if (next.status) params.set('status', next.status);
  if (next.role) params.set('role', next.role);
  if (next.organization) params.set('organization', next.organization);
  if (next.sort) params.set('sort', next.sort);
  if (next.sort && next.order === 'desc') params.set('order', 'desc');
  if (next.page > 1) params.set('page', String(next.page));
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/**
 * The query an action on a user carries: the list's state, and `return=list` when it was started from a row of the
 * list (it then comes back to the list rather than to the user's page). '' or starting with '?'.
 */
export function carriedQuery(filters: UserListFilters, fromList: boolean): string {
  const state = listHref(filters, {}, '');
  return fromList ? `${state}${state ? '&' : '?'}return=list` : state;
}

function option(value: string, label: string, selected: string): SafeHtml {
  return html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
}

/** The search box and filters: a GET form that works without script; the console script filters as you type. */
export function userFilters(t: Translate, input: UserListInput): SafeHtml {
  const f = input.filters;
  return html`<form method="get" action="/admin/users" class="filters" role="search" data-live-search>
  <div class="field search">
    <label for="f-search">${t('console.users.search')}</label>
    <p class="hint" id="f-search-hint">${t('console.users.searchHint')}</p>
    <input id="f-search" name="search" type="search" value="${f.search}" autocomplete="off" maxlength="100" aria-describedby="f-search-hint" aria-controls="results">
  </div>
  <div class="field">
    <label for="f-status">${t('console.users.status')}</label>
    <select id="f-status" name="status">
      ${option('', t('console.users.statusDefault'), f.status)}
      ${option('ACTIVE', t('console.users.statusActive'), f.status)}
      ${option('all', t('console.users.statusAll'), f.status)}
      ${option('LOCKED', t('console.users.statusLocked'), f.status)}
      ${USER_STATUSES.filter((s) => s !== 'ACTIVE').map((s) => option(s, t(`console.status.${s}`), f.status))}
    </select>
  </div>
  <div class="field">
    <label for="f-role">${t('console.users.role')}</label>
    <select id="f-role" name="role">${option('', t('console.users.anyRole'), f.role)}${input.roles.map((r) => option(r.key, r.label, f.role))}</select>
  </div>
  <div class="field">
    <label for="f-organization">${t('console.users.organization')}</label>
    <select id="f-organization" name="organization">${option('', t('console.users.anyOrganization'), f.organization)}${input.organizations.map((o) => option(o.slug, o.name, f.organization))}</select>
  </div>
  ${f.sort ? html`<input type="hidden" name="sort" value="${f.sort}">` : ''}${f.sort && f.order === 'desc' ? html`<input type="hidden" name="order" value="desc">` : ''}
  <div class="field submit"><button type="submit" class="secondary">${t('console.users.apply')}</button></div>
</form>`;
}

interface Group {
  key: string;
  name: string;
  slug: string | null;
  rows: Array<{ user: UserView; roleLabel: string }>;
}

/** Users under the heading of each organization they belong to (within what the administrator sees), in list order. */
function groupByOrganization(t: Translate, users: UserView[], input: UserListInput): Group[] {
  const groups = new Map<string, Group>();
  const visible = (id: string, slug: string) => (input.visibleOrganizationIds.length === 0 || input.visibleOrganizationIds.includes(id)) && (!input.filters.organization || input.filters.organization === slug);
  for (const user of users) {
    const memberships = user.memberships.filter((m) => visible(m.organization.id, m.organization.slug));
    if (memberships.length === 0) {
      const group = groups.get('') ?? { key: '', name: t('console.users.noOrganization'), slug: null, rows: [] };
      group.rows.push({ user, roleLabel: '—' });
      groups.set('', group);
    }
    for (const m of memberships) {
      const group = groups.get(m.organization.id) ?? { key: m.organization.id, name: m.organization.name, slug: m.organization.slug, rows: [] };
      group.rows.push({ user, roleLabel: m.roleLabel });
      groups.set(m.organization.id, group);
    }
  }
  return [...groups.values()].sort((a, b) => (a.key === '' ? 1 : b.key === '' ? -1 : a.name.localeCompare(b.name)));
}

function heading(t: Translate, f: UserListFilters, column: (typeof COLUMNS)[number]): SafeHtml {
  const sortedBy = f.sort || 'familyName';
  const current = sortedBy === column.sort;
  const order = current ? f.order : 'asc';
  const nextOrder = current && order === 'asc' ? 'desc' : 'asc';
  const label = t(column.label);
  return html`<th scope="col"${current ? html` aria-sort="${order === 'asc' ? 'ascending' : 'descending'}"` : ''}><a href="${listHref(f, { sort: column.sort, order: nextOrder, page: 1 })}" title="${t('console.sortBy', { column: label })}">${label}${current ? html`<span aria-hidden="true" class="arrow">${order === 'asc' ? ' ▲' : ' ▼'}</span>` : ''}</a></th>`;
}

/** An address that may wrap before its "@" in a narrow column. */
function breakable(text: string): SafeHtml {
  const at = text.indexOf('@');
  return at > 0 ? html`${text.slice(0, at)}<wbr>${text.slice(at)}` : html`${text}`;
}

/**
 * "6 users"; when some of them appear under several organizations (more rows than users, all on this page), "6 users in
 * 2 organizations", so that the count matches what the table shows.
 */
function countText(t: Translate, total: number, groups: Group[] = [], onePage = false): string {
  const rows = groups.reduce((sum, g) => sum + g.rows.length, 0);
  const organizations = groups.filter((g) => g.key !== '').length;
  if (onePage && rows > total && organizations > 1) return total === 1 ? t('console.users.countOneIn', { organizations }) : t('console.users.countIn', { count: total, organizations });
  return total === 1 ? t('console.users.countOne') : t('console.users.count', { count: total });
}

/** The part of the page the search replaces: count, table and paging. */
export function userResults(t: Translate, input: UserListInput): SafeHtml {
  const f = input.filters;
  if (!input.result) return html`<p class="count" data-count="${t('console.users.tooShort')}">${t('console.users.tooShort')}</p>`;
  const { total, page, pageSize, users } = input.result;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const groups = groupByOrganization(t, users, input);
  const count = countText(t, total, groups, pages === 1);
  return html`<p class="count" data-count="${count}">${count}</p>
${
  users.length === 0
    ? html`<p>${t('console.users.empty')}</p>`
    : html`<div class="table-wrap"><table class="users" data-testid="user-table">
  <caption class="visually-hidden">${t('console.users.title')}</caption>
  <thead><tr>${COLUMNS.map((c) => heading(t, f, c))}<th scope="col" class="actions-col"><span class="visually-hidden">${t('console.users.actions')}</span></th></tr></thead>
  ${groups.map(
    (g) => html`<tbody>
    <tr class="group"><th scope="rowgroup" colspan="${COLUMNS.length + 1}"><span class="group-name">${g.name}</span>${g.slug ? html` <a class="create-in" href="/admin/users/new?organization=${g.slug}">${t('console.users.createIn', { organization: g.name })}</a>` : ''}</th></tr>
    ${g.rows.map(
      ({ user, roleLabel }) => html`<tr>
      <td>${user.name.givenName ?? ''}</td>
      <td>${user.name.familyName ?? ''}</td>
      <td><a href="${listHref(f, {}, `/admin/users/${user.id}`)}" class="user-link">${breakable(user.userName)}</a></td>
      <td>${statusBadge(t, user.status)}</td>
      <td>${roleLabel}</td>
      <td>${breakable(user.email ?? '')}</td>
      <td>${when(user.lastSignInAt)}</td>
      <td>${when(user.createdAt)}</td>
      <td>${when(user.updatedAt)}</td>
      <td class="actions-cell">${userRowActions(t, { csrf: input.csrf, user, permissions: input.permissions.get(user.id), organization: g.slug ? { slug: g.slug, name: g.name } : null, userHref: listHref(f, {}, `/admin/users/${user.id}`), query: carriedQuery(f, true) })}</td>
    </tr>`,
    )}
  </tbody>`,
  )}
</table></div>`
}
${
  pages > 1
    ? html`<nav class="paging" aria-label="${t('console.users.pages')}">
  ${page > 1 ? html`<a href="${listHref(f, { page: page - 1 })}" rel="prev">${t('console.users.previous')}</a>` : ''}
  <span>${t('console.users.page', { page, pages })}</span>
  ${page < pages ? html`<a href="${listHref(f, { page: page + 1 })}" rel="next">${t('console.users.next')}</a>` : ''}
</nav>`
    : ''
}`;
}

/** The whole users page. */
export function userListPage(t: Translate, input: UserListInput): SafeHtml {
  const csv = listHref({ ...input.filters, page: 1 }, {}, '/api/admin/v1/users.csv');
  return html`<p class="page-actions"><a class="button" href="/admin/users/add">${t('console.users.add')}</a> <a class="button secondary" href="/admin/users/new">${t('console.users.create')}</a> <a href="${csv}" class="export">${t('console.users.export')}</a></p>
${userFilters(t, input)}
<p role="status" class="visually-hidden" id="results-status"></p>
<div id="results" data-testid="results">${userResults(t, input)}</div>`;
}
