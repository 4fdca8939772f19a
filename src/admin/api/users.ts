import { Router, type Request } from 'express';
import type { AdminSort, AdminUserQuery, StatusChoice } from '../../identity/accounts/read.js';
import type { AccountAction } from '../../identity/accounts/administration.js';
import { invalid } from '../../identity/errors.js';
import type { Services } from '../../identity/services.js';
import { usersCsv } from './csv.js';
import { body, expectedVersion, queryBoolean, queryInteger, queryString } from './params.js';

/** The list query of the users endpoints (and of the CSV export): search, status, role, organization, sort, paging. */
export function listQuery(req: Request): AdminUserQuery {
  const status = queryString(req, 'status');
  const sort = queryString(req, 'sort');
  const order = queryString(req, 'order');
  if (order && order !== 'asc' && order !== 'desc') throw invalid('request.invalid', '"order" must be asc or desc.', 'order');
  const query: AdminUserQuery = {};
  const set = <K extends keyof AdminUserQuery>(key: K, value: AdminUserQuery[K] | undefined) => {
    if (value !== undefined && value !== '') query[key] = value;
  };
  set('search', queryString(req, 'search'));
  if (status) query.status = status === 'all' ? 'all' : (status.split(',').map((s) => s.trim().toUpperCase()) as StatusChoice[]);
  set('role', queryString(req, 'role'));
  set('organization', queryString(req, 'organization'));
  set('sort', sort as AdminSort | undefined);
  if (order === 'desc') query.descending = true;
  set('page', queryInteger(req, 'page'));
  set('pageSize', queryInteger(req, 'pageSize'));
  return query;
}

const ACTIONS: Record<string, AccountAction> = {
  lock: 'lock',
  unlock: 'unlock',
  'password-reset': 'send_password_reset',
  'activation-email': 'resend_activation',
  'mfa-reset': 'reset_mfa',
  deactivate: 'deactivate',
  reactivate: 'reactivate',
};

/** /users: every route parses, calls one domain command with the administrator as principal, and answers its view. */
export function userRoutes(services: Services): Router {
  const router = Router();
  const { accounts } = services;

  router.get('/users', async (req, res) => {
    res.json(await accounts.list(req.admin!, listQuery(req)));
  });

  router.get('/users.csv', async (req, res) => {
    const query = { ...listQuery(req), page: 1, pageSize: 500 };
    const pages = [];
    for (let page = 1; ; page++) {
      const result = await accounts.list(req.admin!, { ...query, page });
      pages.push(...result.users);
      if (page * result.pageSize >= result.total || page >= 200) break;
    }
    res.set('Content-Disposition', `attachment; filename="users-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.type('text/csv; charset=utf-8').send(usersCsv(pages));
  });

  router.post('/users', async (req, res) => {
    const user = await accounts.createFromForm(req.admin!, body(req) as never);
    res.status(201).set('ETag', `"${user.version}"`).location(`users/${user.id}`).json(user);
  });

  router.get('/users/:id', async (req, res) => {
    const user = await accounts.detail(req.admin!, req.params.id as string);
    res.set('ETag', `"${user.version}"`).json(user);
  });

  router.patch('/users/:id', async (req, res) => {
    const version = expectedVersion(req);
    const user = await accounts.edit(req.admin!, req.params.id as string, body(req) as never, version === undefined ? {} : { expectedVersion: version });
    res.set('ETag', `"${user.version}"`).json(user);
  });

  router.delete('/users/:id', async (req, res) => {
    const confirm = body(req).confirm ?? queryString(req, 'confirm');
    await accounts.delete(req.admin!, req.params.id as string, { confirmation: typeof confirm === 'string' ? confirm : '' });
    res.status(204).end();
  });

  router.post('/users/:id/:action', async (req, res, next) => {
    const action = ACTIONS[req.params.action as string];
    if (!action) return next();
    const sendPasswordReset = body(req).sendPasswordReset === true || queryBoolean(req, 'sendPasswordReset') === true;
    res.json(await accounts.runAction(req.admin!, req.params.id as string, action, { sendPasswordReset }));
  });

  router.put('/users/:id/memberships/:organization', async (req, res) => {
    const role = body(req).role;
    if (typeof role !== 'string' || !role) throw invalid('membership.invalid', 'Give the role: {"role": "standard-user"}.', 'role');
    res.json(await accounts.grantMembership(req.admin!, req.params.id as string, { organization: req.params.organization as string, role }));
  });

  // Adds an existing local user, found by address, to an organization (201; 200 when already a member, nothing changed);
  // 404 user.no_account when no local user has the address: create one with POST /users.
  router.post('/organizations/:organization/members', async (req, res) => {
    const { email, role } = body(req);
    if (typeof email !== 'string' || !email) throw invalid('membership.invalid', 'Give the address: {"email": "name@example.com", "role": "standard-user"} (without a role, the catalog\'s default).', 'email');
    if (role !== undefined && typeof role !== 'string') throw invalid('membership.invalid', '"role" must be a role key such as "standard-user".', 'role');
    const result = await accounts.addMemberByEmail(req.admin!, { email, organization: req.params.organization as string, ...(role !== undefined ? { role } : {}) });
    if (result.outcome === 'no_account') {
      return res.status(404).json({ error: { code: 'user.no_account', message: 'No local user has this address: create the user with POST /users.', field: 'email' } });
    }
    const user = await accounts.detail(req.admin!, result.user.id);
    res
      .status(result.outcome === 'added' ? 201 : 200)
      .set('ETag', `"${user.version}"`)
      .json({ outcome: result.outcome, ...(result.outcome === 'added' ? { notified: result.notified } : {}), user });
  });

  router.delete('/users/:id/memberships/:organization', async (req, res) => {
    const notify = queryBoolean(req, 'notify') ?? body(req).notify === true;
    res.json(await accounts.removeMembership(req.admin!, req.params.id as string, { organization: req.params.organization as string, notify }));
  });

  return router;
}
