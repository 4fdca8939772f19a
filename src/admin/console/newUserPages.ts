import { Router, type Request } from 'express';
import { isDomainError } from '../../identity/errors.js';
import { userLabel } from '../../pages/console/format.js';
import { addUserForm } from '../../pages/console/addUserForm.js';
import { MAX_ORGANIZATION_ROWS, membershipNames, newUserForm, type UserFormErrors, type UserFormValues } from '../../pages/console/userForms.js';
import { consoleRequest, done, show, type ConsoleDeps } from './context.js';
import { attributeLabels, formErrors } from './formErrors.js';
import { organizationChoices } from './roleLabels.js';
import { bodyValue } from './userPages.js';

const ATTRIBUTES = ['givenName', 'familyName', 'email', 'phone', 'title', 'sdkAccess', 'preferredLanguage'] as const;

function queryValue(req: Request, name: string): string {
  const value = req.query[name];
  return typeof value === 'string' ? value.trim().slice(0, 320) : '';
}

/** Values the address fills in (a "create user in …" link, the add form going on); what it leaves out keeps its default. */
function given(req: Request, names: string[]): UserFormValues {
  return Object.fromEntries(names.map((name) => [name, queryValue(req, name)]).filter(([, value]) => value));
}

/** How many organization rows the form had (a hidden field), within bounds. */
function rowsOf(req: Request): number {
  const rows = Number(bodyValue(req, 'rows'));
  return Number.isInteger(rows) ? Math.min(Math.max(rows, 2), MAX_ORGANIZATION_ROWS) : 2;
}

/**
 * Creating a user (every attribute, one or more organizations with a role) and adding an existing one by email (the
 * bill-management product's "Add user": enter the address; someone already on the platform is added to the
 * organization, anyone else goes on to the create form with the address filled in). Both call one domain function.
 */
export function newUserPages(deps: ConsoleDeps): Router {
  const router = Router();
  const { accounts } = deps.services;

  const choices = async (req: Request) => {
    const { locale } = consoleRequest(req);
    return organizationChoices(deps.catalog, locale, (await accounts.grantableOrganizations(req.admin!)).filter((o) => o.roles.length > 0));
  };

  const newForm = async (req: Request, values: UserFormValues, errors: UserFormErrors, rows: number) => {
    const { t, csrf } = consoleRequest(req);
    return { title: t('console.form.newTitle'), section: 'users' as const, body: newUserForm(t, { csrf, organizations: await choices(req), values, errors, rows }) };
  };

  router.get('/users/new', async (req, res) => {
    show(deps, req, res, await newForm(req, given(req, ['email', 'organization', 'role']), {}, 2));
  });

  router.post('/users/new', async (req, res) => {
    const { t } = consoleRequest(req);
    const rows = rowsOf(req);
    const names = Array.from({ length: rows }, (_, i) => membershipNames(i + 1));
    const values: UserFormValues = Object.fromEntries([...ATTRIBUTES, ...names.flatMap((n) => [n.organization, n.role])].map((name) => [name, bodyValue(req, name)]));
    // "Add another organization": the same form, one row longer; nothing is created yet.
    if (bodyValue(req, 'more') === 'yes') return show(deps, req, res, await newForm(req, values, {}, rows + 1));
    // The rows filled in (the first always: it is required), and which row each membership came from.
    const filled = names.map((n, i) => ({ row: i + 1, ...n })).filter((n) => n.row === 1 || values[n.organization]);
    const labels: Record<string, string> = { ...attributeLabels(t) };
    for (const [i, n] of names.entries()) {
      labels[n.organization] = i === 0 ? t('console.form.organization') : t('console.form.rowField', { field: t('console.form.organization'), n: i + 1 });
      labels[n.role] = i === 0 ? t('console.form.role') : t('console.form.rowField', { field: t('console.form.role'), n: i + 1 });
    }
    const fieldOf = (path: string): string | undefined => {
      const membership = /^memberships\.(\d+)\.(organization|role)$/.exec(path);
      if (membership) return filled[Number(membership[1])]?.[membership[2] as 'organization' | 'role'];
      if (path === 'memberships') return 'organization';
      if (path === 'emails' || path === 'userName') return 'email';
      return path in labels ? path : undefined;
    };
    try {
      const user = await accounts.createFromForm(req.admin!, {
        givenName: values.givenName ?? '',
        familyName: values.familyName ?? '',
        email: values.email ?? '',
        phone: values.phone ?? '',
        title: values.title ?? '',
        sdkAccess: values.sdkAccess === 'yes',
        ...(values.preferredLanguage === 'en' || values.preferredLanguage === 'es' ? { preferredLanguage: values.preferredLanguage } : {}),
        memberships: filled.map((n) => ({ organization: values[n.organization] ?? '', role: values[n.role] ?? '' })),
      });
      done(deps, res, `/admin/users/${user.id}`, { kind: 'ok', text: t('console.done.created', { user: userLabel(user) }) });
    } catch (error) {
      if (isDomainError(error) && error.code === 'user.username_taken') return show(deps, req, res, { ...(await newForm(req, values, { email: t('console.form.emailTaken') }, rows)), status: 409 });
      const errors = formErrors(t, error, values, { labels, fieldOf, byCode: { 'role.unknown': 'role', 'admin.role_above_own': 'role', 'organization.not_found': 'organization' } });
      if (!errors) throw error;
      show(deps, req, res, { ...(await newForm(req, values, errors, rows)), status: 400 });
    }
  });

  const addForm = async (req: Request, values: UserFormValues, errors: UserFormErrors) => {
    const { t, csrf } = consoleRequest(req);
    return { title: t('console.add.title'), section: 'users' as const, body: addUserForm(t, { csrf, organizations: await choices(req), values, errors }) };
  };

  router.get('/users/add', async (req, res) => {
    show(deps, req, res, await addForm(req, given(req, ['email', 'organization']), {}));
  });

  router.post('/users/add', async (req, res) => {
    const { t, locale } = consoleRequest(req);
    const values: UserFormValues = { email: bodyValue(req, 'email').trim(), organization: bodyValue(req, 'organization'), role: bodyValue(req, 'role') };
    try {
      const result = await accounts.addMemberByEmail(req.admin!, { email: values.email ?? '', organization: values.organization ?? '', role: values.role ?? '' });
      const organization = result.organization.name;
      if (result.outcome === 'no_account') {
        const query = new URLSearchParams({ email: result.email, organization: result.organization.slug, role: result.role });
        return done(deps, res, `/admin/users/new?${query}`, { kind: 'ok', text: t('console.add.noAccount', { email: result.email }) });
      }
      const user = userLabel(result.user);
      if (result.outcome === 'already_member') return done(deps, res, `/admin/users/${result.user.id}`, { kind: 'ok', text: t('console.add.alreadyMember', { user, organization }) });
      const role = deps.catalog.labelOf(result.organization.kind, result.role, locale);
      done(deps, res, `/admin/users/${result.user.id}`, { kind: 'ok', text: t(result.notified ? 'console.add.added' : 'console.add.addedQuiet', { user, organization, role }) });
    } catch (error) {
      const labels = { email: t('console.user.email'), organization: t('console.form.organization'), role: t('console.form.role') };
      const errors = formErrors(t, error, values, { labels, byCode: { 'role.unknown': 'role', 'admin.role_above_own': 'role', 'organization.not_found': 'organization', 'membership.sso_address': 'email' } });
      if (!errors) throw error;
      const status = isDomainError(error) && error.kind === 'too_many' ? 429 : isDomainError(error) && error.kind === 'forbidden' ? 403 : 400;
      show(deps, req, res, { ...(await addForm(req, values, errors)), status });
    }
  });

  return router;
}
