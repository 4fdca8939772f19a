import { Router, type Request } from 'express';
import { ADMIN_SORTS, type AdminSort } from '../../identity/accounts/read.js';
import type { EditAccountInput } from '../../identity/accounts/update.js';
import { isDomainError } from '../../identity/errors.js';
import { USER_STATUSES, type UserStatus } from '../../identity/statusMachine.js';
import { userLabel } from '../../pages/console/format.js';
import { userDetailPage } from '../../pages/console/userDetail.js';
import { editUserForm, newUserForm, type UserFormErrors, type UserFormValues } from '../../pages/console/userForms.js';
import { userListPage, userResults, type UserListFilters, type UserListInput } from '../../pages/console/userList.js';
import { consoleRequest, done, show, type ConsoleDeps } from './context.js';

function queryValue(req: Request, name: string): string {
  const value = req.query[name];
  return typeof value === 'string' ? value.trim().slice(0, 200) : '';
}

export function bodyValue(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** The list's state from the address; anything unknown falls back to the default rather than failing. */
function filtersOf(req: Request): UserListFilters {
  const status = queryValue(req, 'status').toUpperCase();
  const sort = queryValue(req, 'sort');
  const page = Number(queryValue(req, 'page'));
  return {
    search: queryValue(req, 'search'),
    status: status === 'ALL' ? 'all' : (USER_STATUSES as readonly string[]).includes(status) ? status : 'ACTIVE',
    role: queryValue(req, 'role'),
    organization: queryValue(req, 'organization'),
    sort: (ADMIN_SORTS as readonly string[]).includes(sort) ? (sort as AdminSort) : '',
    order: queryValue(req, 'order') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page > 0 && page < 100_000 ? page : 1,
  };
}

async function listInput(deps: ConsoleDeps, req: Request): Promise<UserListInput> {
  const { accounts, organizations } = deps.services;
  const admin = req.admin!;
  const filters = filtersOf(req);
  const tooShort = filters.search.length === 1;
  const [result, visible] = await Promise.all([
    tooShort
      ? null
      : accounts.list(admin, {
          ...(filters.search ? { search: filters.search } : {}),
          status: filters.status === 'all' ? 'all' : [filters.status as UserStatus],
          ...(filters.role ? { role: filters.role } : {}),
          ...(filters.organization ? { organization: filters.organization } : {}),
          ...(filters.sort ? { sort: filters.sort, descending: filters.order === 'desc' } : {}),
          page: filters.page,
          pageSize: 50,
        }),
    organizations.list(admin),
  ]);
  const roles = new Map<string, string>();
  for (const kind of ['utility', 'customer'] as const) for (const r of deps.catalog.roles(kind)) if (!roles.has(r.key)) roles.set(r.key, r.label);
  return {
    filters,
    result,
    organizations: visible,
    roles: [...roles.entries()].map(([key, label]) => ({ key, label })),
    visibleOrganizationIds: admin.isPlatformAdmin ? [] : admin.managed.map((o) => o.id),
  };
}

/** Field errors of a refused form: the domain names the field; its message reads "field: problem". */
function fieldErrors(error: unknown, fields: readonly string[]): UserFormErrors | null {
  if (!isDomainError(error) || error.kind === 'not_found') return null;
  const path = error.field ?? '';
  const text = error.message.replace(/^[\w.]+: /, '');
  if (fields.includes(path)) return { [path]: text };
  const membership = /^memberships\.(\d+)\.(organization|role)$/.exec(path);
  if (membership) return { [`${membership[2]}${membership[1] === '0' ? '' : '2'}`]: text };
  if (error.code === 'user.username_taken' || error.code.includes('email')) return { email: error.message };
  if (error.code === 'role.unknown' || error.code === 'admin.role_above_own') return { role: error.message };
  if (error.code === 'organization.not_found') return { organization: error.message };
  return { form: error.message };
}

const CREATE_FIELDS = ['givenName', 'familyName', 'email', 'phone', 'title', 'sdkAccess', 'preferredLanguage', 'organization', 'role', 'organization2', 'role2'] as const;
const EDIT_FIELDS = ['givenName', 'familyName', 'email', 'phone', 'title', 'sdkAccess', 'preferredLanguage'] as const;

function formValues(req: Request, names: readonly (keyof UserFormValues)[]): UserFormValues {
  return Object.fromEntries(names.map((name) => [name, bodyValue(req, name)]));
}

/** The user list, the user page, and the create and edit forms. */
export function userPages(deps: ConsoleDeps): Router {
  const router = Router();
  const { accounts } = deps.services;

  router.get('/users', async (req, res) => {
    const { t } = consoleRequest(req);
    show(deps, req, res, { title: t('console.users.title'), section: 'users', body: userListPage(t, await listInput(deps, req)) });
  });

  // What the search box fetches as you type: the results part of the page, rendered by the same code.
  router.get('/users/results', async (req, res) => {
    const { t } = consoleRequest(req);
    res.set('Cache-Control', 'no-store');
    res.type('html').send(userResults(t, await listInput(deps, req)).value);
  });

  const newForm = async (req: Request, values: UserFormValues, errors: UserFormErrors) => {
    const { t, csrf } = consoleRequest(req);
    return { title: t('console.form.newTitle'), section: 'users' as const, body: newUserForm(t, { csrf, organizations: await accounts.grantableOrganizations(req.admin!), values, errors }) };
  };

  router.get('/users/new', async (req, res) => {
    show(deps, req, res, await newForm(req, { organization: queryValue(req, 'organization') }, {}));
  });

  router.post('/users/new', async (req, res) => {
    const { t } = consoleRequest(req);
    const values = formValues(req, CREATE_FIELDS);
    const memberships = [{ organization: values.organization ?? '', role: values.role ?? '' }];
    if (values.organization2) memberships.push({ organization: values.organization2, role: values.role2 ?? '' });
    try {
      const user = await accounts.createFromForm(req.admin!, {
        givenName: values.givenName ?? '',
        familyName: values.familyName ?? '',
        email: values.email ?? '',
        phone: values.phone ?? '',
        title: values.title ?? '',
        sdkAccess: values.sdkAccess === 'yes',
        ...(values.preferredLanguage === 'en' || values.preferredLanguage === 'es' ? { preferredLanguage: values.preferredLanguage } : {}),
        memberships,
      });
      done(deps, res, `/admin/users/${user.id}`, { kind: 'ok', text: t('console.done.created', { user: userLabel(user) }) });
    } catch (error) {
      const errors = fieldErrors(error, CREATE_FIELDS);
      if (!errors) throw error;
      show(deps, req, res, { ...(await newForm(req, values, errors)), status: 400 });
    }
  });

  router.get('/users/:id', async (req, res) => {
    const { t, csrf } = consoleRequest(req);
    const admin = req.admin!;
    const user = await accounts.detail(admin, req.params.id as string);
    const [permissions, assignable] = await Promise.all([accounts.permissions(admin, user.id), accounts.grantableOrganizations(admin)]);
    show(deps, req, res, {
      title: userLabel(user),
      section: 'users',
      body: userDetailPage(t, {
        csrf,
        user,
        managedBy: user.managedBy,
        directoryName: user.directoryName,
        mfaEnrolled: permissions.mfaEnrolled,
        actions: permissions.actions,
        mayChange: permissions.mayEdit,
        assignable,
        backTo: '/admin/users',
      }),
    });
  });

  router.get('/users/:id/edit', async (req, res) => {
    const { t, csrf } = consoleRequest(req);
    const user = await accounts.detail(req.admin!, req.params.id as string);
    show(deps, req, res, { title: t('console.form.editTitle', { user: userLabel(user) }), section: 'users', body: editUserForm(t, { csrf, user, managedBy: user.managedBy, errors: {} }) });
  });

  router.post('/users/:id/edit', async (req, res) => {
    const { t, csrf } = consoleRequest(req);
    const id = req.params.id as string;
    const current = await accounts.detail(req.admin!, id);
    const values = formValues(req, EDIT_FIELDS);
    const language: 'en' | 'es' | null = values.preferredLanguage === 'en' || values.preferredLanguage === 'es' ? values.preferredLanguage : null;
    // For a user of an SSO directory only what idbridge owns is sent; the IdP's attributes stay as they are.
    const input: EditAccountInput =
      current.managedBy === 'idp'
        ? { sdkAccess: values.sdkAccess === 'yes', preferredLanguage: language }
        : { givenName: values.givenName ?? '', familyName: values.familyName ?? '', email: values.email ?? '', phone: values.phone ?? '', title: values.title ?? '', sdkAccess: values.sdkAccess === 'yes', preferredLanguage: language };
    const version = Number(bodyValue(req, 'version'));
    try {
      const user = await accounts.edit(req.admin!, id, input, Number.isInteger(version) && version > 0 ? { expectedVersion: version } : {});
      done(deps, res, `/admin/users/${id}`, { kind: 'ok', text: t('console.done.edited', { user: userLabel(user) }) });
    } catch (error) {
      if (isDomainError(error) && error.kind === 'precondition_failed') {
        return show(deps, req, res, { title: t('console.form.editTitle', { user: userLabel(current) }), section: 'users', status: 409, body: editUserForm(t, { csrf, user: current, managedBy: current.managedBy, errors: {}, notice: t('console.form.changedElsewhere') }) });
      }
      const errors = fieldErrors(error, EDIT_FIELDS);
      if (!errors) throw error;
      show(deps, req, res, { title: t('console.form.editTitle', { user: userLabel(current) }), section: 'users', status: 400, body: editUserForm(t, { csrf, user: current, managedBy: current.managedBy, values, errors }) });
    }
  });

  return router;
}
