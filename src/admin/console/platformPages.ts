import { Router, type Request } from 'express';
import type { AuditQuery } from '../../identity/auditLog.js';
import { apiTokensPage, auditPage, confirmOidcClientDeletePage, oidcClientsPage, organizationsPage, roleMappingsPage, type AuditFilters } from '../../pages/console/platform.js';
import { attempt, consoleRequest, done, isNotFound, show, type ConsoleDeps } from './context.js';
import { directoryPages } from './directoryPages.js';
import { bodyValue } from './userPages.js';

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
  const { accounts, administrators, audit, directories, oidcClients, organizations, roleMappings } = deps.services;

  router.use(directoryPages(deps));

  // Organizations: every administrator sees theirs; platform administrators create them.
  router.get('/organizations', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    show(deps, req, res, { title: t('console.orgs.title'), section: 'organizations', body: organizationsPage(t, { csrf, organizations: await organizations.list(admin), mayCreate: admin.isPlatformAdmin }) });
  });

  router.post('/organizations', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/organizations', async () => {
      const kind = bodyValue(req, 'kind') === 'customer' ? 'customer' : 'utility';
      const org = await organizations.create(admin, { kind, name: bodyValue(req, 'name'), slug: bodyValue(req, 'slug').trim(), policy: bodyValue(req, 'mfaRequired') === 'yes' ? { mfaRequired: true } : {} });
      done(deps, res, '/admin/organizations', { kind: 'ok', text: t('console.orgs.created', { name: org.name }) });
    });
  });

  // The support contact a platform administrator sets: the whole contact is replaced; an empty field clears a part.
  router.post('/organizations/:slug/support', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/organizations', async () => {
      const support = Object.fromEntries((['text', 'email', 'phone', 'url'] as const).map((key) => [key, bodyValue(req, key)]));
      const org = await organizations.update(admin, req.params.slug as string, { support });
      done(deps, res, '/admin/organizations', { kind: 'ok', text: t('console.orgs.supportSaved', { name: org.name }) });
    });
  });

  router.get('/role-mappings', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    const [mappings, directoryList, grantable] = await Promise.all([roleMappings.list(admin), directories.list(admin), accounts.grantableOrganizations(admin)]);
    show(deps, req, res, { title: t('console.maps.title'), section: 'roleMappings', body: roleMappingsPage(t, { csrf, mappings, directories: directoryList, organizations: grantable }) });
  });

  router.post('/role-mappings', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/role-mappings', async () => {
      const matchType = bodyValue(req, 'matchType') as 'displayName';
      await roleMappings.create(admin, { directory: bodyValue(req, 'directory'), matchType, matchValue: bodyValue(req, 'matchValue'), organization: bodyValue(req, 'organization'), role: bodyValue(req, 'role') });
      done(deps, res, '/admin/role-mappings', { kind: 'ok', text: t('console.maps.created') });
    });
  });

  router.post('/role-mappings/:id/delete', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/role-mappings', async () => {
      await roleMappings.delete(admin, req.params.id as string);
      done(deps, res, '/admin/role-mappings', { kind: 'ok', text: t('console.maps.deleted') });
    });
  });

  // Portal applications (OpenID Connect clients); a new client's secret is shown in this answer only.
  const lines = (value: string) => value.split(/[\s,]+/).map((v) => v.trim()).filter(Boolean);
  router.get('/oidc-clients', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    const [clients, organizationList] = await Promise.all([oidcClients.list(admin), organizations.list(admin)]);
    show(deps, req, res, { title: t('console.clients.title'), section: 'oidcClients', body: oidcClientsPage(t, { csrf, clients, organizations: organizationList }) });
  });

  router.post('/oidc-clients', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/oidc-clients', async () => {
      const chosen = ([] as unknown[]).concat(req.body?.organizations ?? []).filter((o): o is string => typeof o === 'string' && o !== '');
      const created = await oidcClients.create(admin, {
        name: bodyValue(req, 'name'),
        redirectUris: lines(bodyValue(req, 'redirectUris')),
        postLogoutRedirectUris: lines(bodyValue(req, 'postLogoutRedirectUris')),
        firstParty: bodyValue(req, 'firstParty') === 'yes',
        organizations: chosen,
        backchannelLogoutUri: bodyValue(req, 'backchannelLogoutUri'),
        backchannelLogoutSessionRequired: bodyValue(req, 'backchannelLogoutSessionRequired') === 'yes',
      });
      const [clients, allOrganizations] = await Promise.all([oidcClients.list(admin), organizations.list(admin)]);
      show(deps, req, res, {
        title: t('console.clients.title'),
        section: 'oidcClients',
        flash: { kind: 'ok', text: t('console.clients.created', { name: created.name }) },
        body: oidcClientsPage(t, { csrf, clients, organizations: allOrganizations, created: { name: created.name, clientId: created.clientId, clientSecret: created.clientSecret } }),
      });
    });
  });

  // Where the client is told that a user's session ended; an empty address stops the notices.
  router.post('/oidc-clients/:id/backchannel-logout', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/oidc-clients', async () => {
      const client = await oidcClients.update(admin, req.params.id as string, { backchannelLogoutUri: bodyValue(req, 'backchannelLogoutUri'), backchannelLogoutSessionRequired: bodyValue(req, 'backchannelLogoutSessionRequired') === 'yes' });
      done(deps, res, '/admin/oidc-clients', { kind: 'ok', text: t('console.clients.backchannelSaved', { name: client.name }) });
    });
  });

  router.get('/oidc-clients/:id/delete', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    const client = await oidcClients.get(admin, req.params.id as string);
    show(deps, req, res, { title: t('console.clients.deleteTitle', { name: client.name }), section: 'oidcClients', body: confirmOidcClientDeletePage(t, { csrf, client }) });
  });

  router.post('/oidc-clients/:id/delete', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/oidc-clients', async () => {
      const client = await oidcClients.get(admin, req.params.id as string);
      await oidcClients.delete(admin, client.clientId);
      done(deps, res, '/admin/oidc-clients', { kind: 'ok', text: t('console.clients.deleted', { name: client.name }) });
    });
  });

  // The audit log: what the administrator may read of it is the domain's to say (every event, or those of its
  // organizations and its users); the filters narrow it. A filter by something out of sight shows nothing.
  router.get('/audit', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const visible = await organizations.list(admin);
    const offset = Number(queryText(req, 'offset', 9)) || 0;
    const filters: AuditFilters = { action: queryText(req, 'action'), user: queryText(req, 'user', 64), organization: queryText(req, 'organization', 64), from: queryText(req, 'from', 10), to: queryText(req, 'to', 10), offset };
    const query: AuditQuery = { limit: AUDIT_PAGE, offset: Math.max(0, offset) };
    if (filters.action) query.action = filters.action;
    if (filters.user) query.userId = filters.user;
    if (filters.organization) query.organizationId = filters.organization;
    const date = (text: string, plusDay = false) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(Date.parse(`${text}T00:00:00Z`) + (plusDay ? 86_400_000 : 0)) : undefined);
    const from = date(filters.from);
    const to = date(filters.to, true);
    if (from) query.from = from;
    if (to) query.to = to;
    const result = await audit.list(admin, query).catch((error: unknown) => (isNotFound(error) ? null : Promise.reject(error)));
    const next = result && offset + AUDIT_PAGE < result.total ? new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '' && v !== 0)), offset: String(offset + AUDIT_PAGE) }) : null;
    show(deps, req, res, { title: t('console.audit.title'), section: 'audit', body: auditPage(t, { filters, organizations: visible, result, nextHref: next ? `/admin/audit?${next}` : null }) });
  });

  // The administrator's own API tokens; a new one is shown in this answer only.
  router.get('/api-tokens', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    show(deps, req, res, { title: t('console.tokens.title'), section: 'apiTokens', body: apiTokensPage(t, { csrf, tokens: await administrators.listApiTokens(admin) }) });
  });

  router.post('/api-tokens', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/api-tokens', async () => {
      const expiresInDays = days(bodyValue(req, 'expiresInDays'));
      const created = await administrators.createApiToken(admin, { name: bodyValue(req, 'name'), ...(expiresInDays !== undefined ? { expiresInDays } : {}) });
      show(deps, req, res, {
        title: t('console.tokens.title'),
        section: 'apiTokens',
        flash: { kind: 'ok', text: t('console.tokens.created', { name: created.name }) },
        body: apiTokensPage(t, { csrf, tokens: await administrators.listApiTokens(admin), newToken: { name: created.name, token: created.token } }),
      });
    });
  });

  router.post('/api-tokens/:id/revoke', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const token = await administrators.revokeApiToken(admin, req.params.id as string);
    done(deps, res, '/admin/api-tokens', { kind: 'ok', text: t('console.tokens.revoked', { name: token.name }) });
  });

  return router;
}
