import type { Request } from 'express';
import type { ListNeighbours } from '../../identity/accounts/neighbours.js';
import { ADMIN_SORTS, isStatusChoice, type AdminSort, type AdminUserQuery } from '../../identity/accounts/read.js';
import { isDomainError } from '../../identity/errors.js';
import type { Services } from '../../identity/services.js';
import { carriedQuery, listHref, type UserListFilters } from '../../pages/console/userList.js';

/**
 * The user list's state (search, filters, sort, page) as it travels in addresses: the list's own, each user's page
 * reached from it (previous / next / back to the list), and the actions started from a row or from that page, which
 * come back to where they were started. Addresses are always rebuilt from the parsed state, never echoed, so that no
 * address can send an administrator elsewhere.
 */

export const CONSOLE_PAGE_SIZE = 50;

function text(query: Request['query'], name: string): string {
  const value = query[name];
  return typeof value === 'string' ? value.trim().slice(0, 200) : '';
}

/** The list's state from an address's query; anything unknown falls back to the default rather than failing. */
export function filtersOf(req: Request): UserListFilters {
  const status = text(req.query, 'status');
  const sort = text(req.query, 'sort');
  const page = Number(text(req.query, 'page'));
  return {
    search: text(req.query, 'search'),
    // Not chosen (''): the domain's default, active users only, or every status in a search.
    status: status.toLowerCase() === 'all' ? 'all' : isStatusChoice(status.toUpperCase()) ? status.toUpperCase() : '',
    role: text(req.query, 'role'),
    organization: text(req.query, 'organization'),
    sort: (ADMIN_SORTS as readonly string[]).includes(sort) ? (sort as AdminSort) : '',
    order: text(req.query, 'order') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page > 0 && page < 100_000 ? page : 1,
  };
}

/** The domain's list query for a state. */
export function listQueryOf(filters: UserListFilters): AdminUserQuery {
  return {
    ...(filters.search ? { search: filters.search } : {}),
    ...(filters.status === 'all' ? { status: 'all' as const } : filters.status && isStatusChoice(filters.status) ? { status: [filters.status] } : {}),
    ...(filters.role ? { role: filters.role } : {}),
    ...(filters.organization ? { organization: filters.organization } : {}),
    ...(filters.sort ? { sort: filters.sort, descending: filters.order === 'desc' } : {}),
    page: filters.page,
    pageSize: CONSOLE_PAGE_SIZE,
  };
}

/** Whether an action was started from a row of the list (it then goes back to the list, not to the user's page). */
export function isFromList(req: Request): boolean {
  return text(req.query, 'return') === 'list';
}

/** The query to carry along (the list's state, and where to return), '' or starting with '?'. */
export function queryOf(req: Request): string {
  return carriedQuery(filtersOf(req), isFromList(req));
}

/** Where an action on a user goes back to: the list it was started from, or the user's page (with the list's state). */
export function returnTo(req: Request, userId: string): string {
  const filters = filtersOf(req);
  return isFromList(req) ? listHref(filters) : listHref(filters, {}, `/admin/users/${userId}`);
}

/**
 * The user's neighbours in the list whose state the address carries (the user page's previous and next), or null when
 * that state cannot be a list (a one-character search).
 */
export async function neighboursOf(services: Services, req: Request, userId: string): Promise<ListNeighbours | null> {
  try {
    return await services.accounts.neighbours(req.admin!, listQueryOf(filtersOf(req)), userId);
  } catch (error) {
    if (isDomainError(error) && error.kind === 'invalid') return null;
    throw error;
  }
}
