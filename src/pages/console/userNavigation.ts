import type { Translate } from '../../i18n/translate.js';
import type { ListNeighbours, NeighbourView } from '../../identity/accounts/neighbours.js';
import { html, type SafeHtml } from '../html.js';
import { userLabel } from './format.js';
import { listHref, type UserListFilters } from './userList.js';

function neighbourLink(t: Translate, filters: UserListFilters, neighbour: NeighbourView, rel: 'prev' | 'next'): SafeHtml {
  const href = listHref(filters, { page: neighbour.page }, `/admin/users/${neighbour.id}`);
  const name = userLabel(neighbour);
  return rel === 'prev'
    ? html`<a href="${href}" rel="prev" class="previous"><span aria-hidden="true">← </span>${t('console.user.previous', { user: name })}</a>`
    : html`<a href="${href}" rel="next" class="next">${t('console.user.next', { user: name })}<span aria-hidden="true"> →</span></a>`;
}

/**
 * The user page's way back to the list it was reached from (its search, filters, sort, and the page that shows this
 * user), and to the users before and after it in that list: an administrator goes from user to user without
 * returning to the list, as in the utility product's detail panel.
 */
export function userNavigation(t: Translate, filters: UserListFilters, neighbours: ListNeighbours | null): SafeHtml {
  const back = listHref(filters, { page: neighbours?.page ?? filters.page });
  return html`<nav class="user-nav" aria-label="${t('console.user.listNavigation')}" data-testid="user-nav">
  <a href="${back}" class="back"><span aria-hidden="true">← </span>${t('console.user.backToList')}</a>
  ${neighbours?.inList ? html`<span class="position">${t('console.user.position', { position: neighbours.position, total: neighbours.total })}</span>` : ''}
  ${neighbours?.previous || neighbours?.next ? html`<span class="steps">${neighbours.previous ? neighbourLink(t, filters, neighbours.previous, 'prev') : ''}${neighbours.next ? neighbourLink(t, filters, neighbours.next, 'next') : ''}</span>` : ''}
</nav>`;
}
