import { Router } from 'express';
import type { AccountAction } from '../../identity/accounts/administration.js';
import { isDomainError } from '../../identity/errors.js';
import { userLabel } from '../../pages/console/format.js';
import { actionLabel, CONFIRMED_ACTIONS, type UserActionName } from '../../pages/console/userDetail.js';
import { confirmActionPage, confirmDeletePage, confirmRemovalPage } from '../../pages/console/userForms.js';
import { listHref } from '../../pages/console/userList.js';
import { attempt, consoleRequest, done, pageOrList, show, type ConsoleDeps } from './context.js';
import { filtersOf, isFromList, queryOf, returnTo } from './listState.js';
import { bodyValue } from './userPages.js';

const ACTIONS: ReadonlySet<string> = new Set<AccountAction>(['lock', 'unlock', 'send_password_reset', 'resend_activation', 'reset_mfa', 'deactivate', 'reactivate']);

/**
 * The buttons of the user page. Each calls one domain command of the admin API's; actions that take something away
 * ask first (a page with the consequence and a confirm button), and delete asks for the username.
 */
export function userActionRoutes(deps: ConsoleDeps): Router {
  const router = Router();
  const { accounts } = deps.services;

  router.get('/users/:id/confirm/:action', async (req, res, next) => {
    const action = req.params.action as string;
    if (!ACTIONS.has(action)) return next();
    const { t, csrf } = consoleRequest(req);
    const user = await accounts.detail(req.admin!, req.params.id as string);
    const label = actionLabel(t, action as UserActionName);
    show(deps, req, res, { title: t('console.confirm.title', { action: label }), section: 'users', body: confirmActionPage(t, { csrf, user, action: action as UserActionName, query: queryOf(req), back: returnTo(req, user.id) }) });
  });

  router.post('/users/:id/actions/:action', async (req, res, next) => {
    const action = req.params.action as string;
    if (!ACTIONS.has(action)) return next();
    const id = req.params.id as string;
    const page = returnTo(req, id);
    if (CONFIRMED_ACTIONS.has(action as UserActionName) && bodyValue(req, 'confirmed') !== 'yes') return res.redirect(303, `/admin/users/${id}/confirm/${action}${queryOf(req)}`);
    const { t } = consoleRequest(req);
    const sendPasswordReset = action === 'unlock' && bodyValue(req, 'sendPasswordReset') === 'yes';
    await attempt(deps, res, page, async () => {
      const user = await accounts.runAction(req.admin!, id, action as AccountAction, { sendPasswordReset });
      const text = sendPasswordReset ? t('console.done.unlockReset', { user: userLabel(user) }) : t(`console.done.${action as AccountAction}`, { user: userLabel(user) });
      done(deps, res, page, { kind: 'ok', text });
    });
  });

  router.post('/users/:id/memberships', async (req, res) => {
    const { t } = consoleRequest(req);
    const id = req.params.id as string;
    const page = returnTo(req, id);
    await attempt(deps, res, page, async () => {
      const user = await accounts.grantMembership(req.admin!, id, { organization: bodyValue(req, 'organization'), role: bodyValue(req, 'role') });
      const organization = user.memberships.find((m) => m.organization.slug === bodyValue(req, 'organization'))?.organization.name ?? bodyValue(req, 'organization');
      done(deps, res, `${page}#memberships`, { kind: 'ok', text: t('console.done.membership', { user: userLabel(user), organization }) });
    });
  });

  router.get('/users/:id/memberships/:organization/remove', async (req, res) => {
    const { t, csrf } = consoleRequest(req);
    const user = await accounts.detail(req.admin!, req.params.id as string);
    const membership = user.memberships.find((m) => m.organization.slug === req.params.organization);
    if (!membership) return done(deps, res, `/admin/users/${user.id}`, { kind: 'error', text: t('console.notFound') });
    show(deps, req, res, { title: t('console.confirm.title', { action: t('console.remove') }), section: 'users', body: confirmRemovalPage(t, { csrf, user, organization: membership.organization, query: queryOf(req), back: returnTo(req, user.id) }) });
  });

  router.post('/users/:id/memberships/:organization/remove', async (req, res) => {
    const { t } = consoleRequest(req);
    const id = req.params.id as string;
    const page = returnTo(req, id);
    await attempt(deps, res, page, async () => {
      const before = await accounts.detail(req.admin!, id);
      const name = before.memberships.find((m) => m.organization.slug === req.params.organization)?.organization.name ?? (req.params.organization as string);
      const user = await accounts.removeMembership(req.admin!, id, { organization: req.params.organization as string, notify: bodyValue(req, 'notify') === 'yes' });
      // Removed from the administrator's last organization, the user is out of their sight: back to the list.
      const landing = isFromList(req) ? page : await pageOrList(deps, req, id, `${page}#memberships`, listHref(filtersOf(req)));
      done(deps, res, landing, { kind: 'ok', text: t('console.done.removed', { user: userLabel(user), organization: name }) });
    });
  });

  router.get('/users/:id/delete', async (req, res) => {
    const { t, csrf } = consoleRequest(req);
    const user = await accounts.detail(req.admin!, req.params.id as string);
    show(deps, req, res, { title: t('console.delete.title', { user: userLabel(user) }), section: 'users', body: confirmDeletePage(t, { csrf, user, query: queryOf(req), back: returnTo(req, user.id) }) });
  });

  router.post('/users/:id/delete', async (req, res) => {
    const { t, csrf } = consoleRequest(req);
    const id = req.params.id as string;
    const user = await accounts.detail(req.admin!, id);
    try {
      await accounts.delete(req.admin!, id, { confirmation: bodyValue(req, 'confirm') });
    } catch (error) {
      if (!isDomainError(error) || error.kind === 'not_found') throw error;
      return show(deps, req, res, { title: t('console.delete.title', { user: userLabel(user) }), section: 'users', status: 400, body: confirmDeletePage(t, { csrf, user, error: error.message, query: queryOf(req), back: returnTo(req, user.id) }) });
    }
    done(deps, res, listHref(filtersOf(req)), { kind: 'ok', text: t('console.done.deleted', { user: userLabel(user) }) });
  });

  return router;
}
