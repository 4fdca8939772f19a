import { Router, type Request } from 'express';
import { createAdminApiToken, listAdminApiTokens, revokeAdminApiToken } from '../../identity/admin/apiTokens.js';
import { adminScope, managedOrganization } from '../../identity/admin/principal.js';
import { listAuditEvents, type AuditQuery } from '../../identity/audit.js';
import { listDirectories } from '../../identity/directories.js';
import { createOidcClient, deleteOidcClient, getOidcClient, listOidcClients } from '../../identity/oidcClients.js';
import { createOrganization, findOrganization, listOrganizations } from '../../identity/organizations.js';
import { createRoleMapping, deleteRoleMapping, listRoleMappings } from '../../identity/roleMappings.js';
import { findUserInScope } from '../../identity/scope.js';
import { apiTokensPage, auditPage, confirmOidcClientDeletePage, oidcClientsPage, organizationsPage, roleMappingsPage, type AuditFilters } from '../../pages/console/platform.js';
import { attempt, consoleRequest, done, isNotFound, platformOnly, show, type ConsoleDeps } from './context.js';
import { directoryPages } from './directoryPages.js';
import { assignableOrganizations, bodyValue, visibleOrganizations } from './userPages.js';

const AUDIT_PAGE = 50;

function queryText(req: Request, name: string, max = 100): string {
  const value = req.query[name];
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

function days(value: string): number | undefined {
  const text = value.trim();
  if (!text) return undefined;
  return /^\d{1,4}$/.test(text) ? Number(text) : -1;
}

/** Organizations, directories, role mappings, the audit log, API tokens and portal applications. */
export function platformPages(deps: ConsoleDeps): Router {
  const router = Router();
  const { ctx } = deps;

  router.use(directoryPages(deps));
  router.use(['/role-mappings', '/oidc-clients'], platformOnly(deps));

  // Organizations: every administrator sees theirs; platform administrators create them.
  router.get('/organizations', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    show(deps, req, res, { title: t('console.orgs.title'), section: 'organizations', body: organizationsPage(t, { csrf, organizations: await visibleOrganizations(ctx, admin), mayCreate: admin.isPlatformAdmin }) });
  });

  router.post('/organizations', platformOnly(deps), async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/organizations', async () => {
      const kind = bodyValue(req, 'kind') === 'customer' ? 'customer' : 'utility';
      const org = await createOrganization(ctx, admin.actor, { kind, name: bodyValue(req, 'name'), slug: bodyValue(req, 'slug').trim(), policy: bodyValue(req, 'mfaRequired') === 'yes' ? { mfaRequired: true } : {} });
      done(deps, res, '/admin/organizations', { kind: 'ok', text: t('console.orgs.created', { name: org.name }) });
    });
  });

  router.get('/role-mappings', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    const [mappings, directories, organizations] = await Promise.all([listRoleMappings(ctx), listDirectories(ctx), assignableOrganizations(ctx, admin)]);
    show(deps, req, res, { title: t('console.maps.title'), section: 'roleMappings', body: roleMappingsPage(t, { csrf, mappings, directories, organizations }) });
  });

  router.post('/role-mappings', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/role-mappings', async () => {
      const matchType = bodyValue(req, 'matchType') as 'displayName';
      await createRoleMapping(ctx, admin.actor, { directory: bodyValue(req, 'directory'), matchType, matchValue: bodyValue(req, 'matchValue'), organization: bodyValue(req, 'organization'), role: bodyValue(req, 'role') });
      done(deps, res, '/admin/role-mappings', { kind: 'ok', text: t('console.maps.created') });
    });
  });

  router.post('/role-mappings/:id/delete', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/role-mappings', async () => {
      await deleteRoleMapping(ctx, admin.actor, req.params.id as string);
      done(deps, res, '/admin/role-mappings', { kind: 'ok', text: t('console.maps.deleted') });
    });
  });

  // Portal applications (OpenID Connect clients); a new client's secret is shown in this answer only.
  const lines = (value: string) => value.split(/[\s,]+/).map((v) => v.trim()).filter(Boolean);
  router.get('/oidc-clients', async (req, res) => {
    const { t, csrf } = consoleRequest(req);
    const [clients, organizations] = await Promise.all([listOidcClients(ctx), listOrganizations(ctx)]);
    show(deps, req, res, { title: t('console.clients.title'), section: 'oidcClients', body: oidcClientsPage(t, { csrf, clients, organizations }) });
  });

  router.post('/oidc-clients', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/oidc-clients', async () => {
      const organizations = ([] as unknown[]).concat(req.body?.organizations ?? []).filter((o): o is string => typeof o === 'string' && o !== '');
      const created = await createOidcClient(ctx, admin.actor, {
        name: bodyValue(req, 'name'),
        redirectUris: lines(bodyValue(req, 'redirectUris')),
        postLogoutRedirectUris: lines(bodyValue(req, 'postLogoutRedirectUris')),
        firstParty: bodyValue(req, 'firstParty') === 'yes',
        organizations,
      });
      const [clients, allOrganizations] = await Promise.all([listOidcClients(ctx), listOrganizations(ctx)]);
      show(deps, req, res, {
        title: t('console.clients.title'),
        section: 'oidcClients',
        flash: { kind: 'ok', text: t('console.clients.created', { name: created.name }) },
        body: oidcClientsPage(t, { csrf, clients, organizations: allOrganizations, created: { name: created.name, clientId: created.clientId, clientSecret: created.clientSecret } }),
      });
    });
  });

  router.get('/oidc-clients/:id/delete', async (req, res) => {
    const { t, csrf } = consoleRequest(req);
    const client = await getOidcClient(ctx, req.params.id as string);
    show(deps, req, res, { title: t('console.clients.deleteTitle', { name: client.name }), section: 'oidcClients', body: confirmOidcClientDeletePage(t, { csrf, client }) });
  });

  router.post('/oidc-clients/:id/delete', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/oidc-clients', async () => {
      const client = await getOidcClient(ctx, req.params.id as string);
      await deleteOidcClient(ctx, admin.actor, client.clientId);
      done(deps, res, '/admin/oidc-clients', { kind: 'ok', text: t('console.clients.deleted', { name: client.name }) });
    });
  });

  // The audit log: platform administrators see everything; organization administrators one of their organizations
  // at a time (the first by default), or the events of one of their users, as in the admin API.
  router.get('/audit', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const organizations = await visibleOrganizations(ctx, admin);
    const offset = Number(queryText(req, 'offset', 9)) || 0;
    const filters: AuditFilters = { action: queryText(req, 'action'), user: queryText(req, 'user', 64), organization: queryText(req, 'organization', 64), from: queryText(req, 'from', 10), to: queryText(req, 'to', 10), offset };
    if (!admin.isPlatformAdmin && !filters.user && !filters.organization) filters.organization = organizations[0]?.slug ?? '';
    const query: AuditQuery = { limit: AUDIT_PAGE, offset: Math.max(0, offset) };
    if (filters.action) query.action = filters.action;
    if (filters.user) query.userId = filters.user;
    const date = (text: string, plusDay = false) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(Date.parse(`${text}T00:00:00Z`) + (plusDay ? 86_400_000 : 0)) : undefined);
    const from = date(filters.from);
    const to = date(filters.to, true);
    if (from) query.from = from;
    if (to) query.to = to;
    let allowed = true;
    if (filters.organization) {
      const org = await findOrganization(ctx, filters.organization).catch(() => null);
      if (org && (admin.isPlatformAdmin || managedOrganization(admin, org.id))) query.organizationId = org.id;
      else allowed = false;
    }
    if (!admin.isPlatformAdmin && filters.user) {
      allowed = await findUserInScope(ctx, filters.user, adminScope(admin)).then(
        () => allowed,
        (error: unknown) => (isNotFound(error) ? false : Promise.reject(error)),
      );
    }
    const result = allowed ? await listAuditEvents(ctx, query) : null;
    const next = result && offset + AUDIT_PAGE < result.total ? new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '' && v !== 0)), offset: String(offset + AUDIT_PAGE) }) : null;
    show(deps, req, res, { title: t('console.audit.title'), section: 'audit', body: auditPage(t, { filters, organizations, allowAll: admin.isPlatformAdmin, result, nextHref: next ? `/admin/audit?${next}` : null }) });
  });

  // The administrator's own API tokens; a new one is shown in this answer only.
  router.get('/api-tokens', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    show(deps, req, res, { title: t('console.tokens.title'), section: 'apiTokens', body: apiTokensPage(t, { csrf, tokens: await listAdminApiTokens(ctx, admin) }) });
  });

  router.post('/api-tokens', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/api-tokens', async () => {
      const expiresInDays = days(bodyValue(req, 'expiresInDays'));
      const created = await createAdminApiToken(ctx, admin, { name: bodyValue(req, 'name'), ...(expiresInDays !== undefined ? { expiresInDays } : {}) });
      show(deps, req, res, {
        title: t('console.tokens.title'),
        section: 'apiTokens',
        flash: { kind: 'ok', text: t('console.tokens.created', { name: created.name }) },
        body: apiTokensPage(t, { csrf, tokens: await listAdminApiTokens(ctx, admin), newToken: { name: created.name, token: created.token } }),
      });
    });
  });

  router.post('/api-tokens/:id/revoke', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const token = await revokeAdminApiToken(ctx, admin, req.params.id as string);
    done(deps, res, '/admin/api-tokens', { kind: 'ok', text: t('console.tokens.revoked', { name: token.name }) });
  });

  return router;
}
