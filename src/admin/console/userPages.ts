import { Router, type Request } from 'express';
import type { EditAccountInput } from '../../identity/accounts/update.js';
import { roleLabelIn } from '../../identity/roleCatalog.js';
import { isDomainError } from '../../identity/errors.js';
import { userLabel } from '../../pages/console/format.js';
import { userDetailPage } from '../../pages/console/userDetail.js';
import { editUserForm, type UserFormValues } from '../../pages/console/userForms.js';
import { listHref, userListPage, userResults, type UserListInput } from '../../pages/console/userList.js';
import { userNavigation } from '../../pages/console/userNavigation.js';
import { consoleRequest, done, show, type ConsoleDeps } from './context.js';
import { attributeLabels, formErrors } from './formErrors.js';
import { organizationChoices, withRoleLabels } from './roleLabels.js';
import { filtersOf, listQueryOf, neighboursOf, queryOf } from './listState.js';

export function bodyValue(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

async function listInput(deps: ConsoleDeps, req: Request): Promise<UserListInput> {
  const { accounts, organizations } = deps.services;
  const admin = req.admin!;
  const filters = filtersOf(req);
  const tooShort = filters.search.length === 1;
  const [result, visible] = await Promise.all([tooShort ? null : accounts.list(admin, listQueryOf(filters)), organizations.list(admin)]);
  const roles = new Map<string, string>();
  const { locale } = consoleRequest(req);
  for (const kind of ['utility', 'customer'] as const) for (const r of deps.catalog.roles(kind)) if (!roles.has(r.key)) roles.set(r.key, roleLabelIn(r, locale));
  return {
    filters,
    result: result && { ...result, users: result.users.map((u) => withRoleLabels(deps.catalog, locale, u)) },
    organizations: visible,
    roles: [...roles.entries()].map(([key, label]) => ({ key, label })),
    visibleOrganizationIds: admin.isPlatformAdmin ? [] : admin.managed.map((o) => o.id),
    csrf: consoleRequest(req).csrf,
    permissions: result ? await accounts.listPermissions(admin, result.users) : new Map(),
  };
}

const EDIT_FIELDS = ['givenName', 'familyName', 'email', 'phone', 'title', 'sdkAccess', 'preferredLanguage'] as const;

function formValues(req: Request, names: readonly (keyof UserFormValues)[]): UserFormValues {
  return Object.fromEntries(names.map((name) => [name, bodyValue(req, name)]));
}

/** The user list, the user page and the edit form (creating and adding users: newUserPages.ts). */
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

  router.get('/users/:id', async (req, res) => {
    const { t, csrf, locale } = consoleRequest(req);
    const admin = req.admin!;
    const user = withRoleLabels(deps.catalog, locale, await accounts.detail(admin, req.params.id as string));
    const [permissions, assignable, neighbours] = await Promise.all([accounts.permissions(admin, user.id), accounts.grantableOrganizations(admin), neighboursOf(deps.services, req, user.id)]);
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
        assignable: organizationChoices(deps.catalog, locale, assignable),
        backTo: listHref(filtersOf(req), { page: neighbours?.page ?? filtersOf(req).page }),
        navigation: userNavigation(t, filtersOf(req), neighbours),
        actionQuery: queryOf(req),
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
      const errors = formErrors(t, error, values, { labels: attributeLabels(t), byCode: { 'user.username_taken': 'email' } });
      if (!errors) throw error;
      show(deps, req, res, { title: t('console.form.editTitle', { user: userLabel(current) }), section: 'users', status: 400, body: editUserForm(t, { csrf, user: current, managedBy: current.managedBy, values, errors }) });
    }
  });

  return router;
}
