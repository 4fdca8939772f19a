import { Router, type RequestHandler } from 'express';
import { configureSaml, getSamlSettings, removeSaml } from '../../identity/saml/settings.js';
import { parseIdpMetadata } from '../../identity/saml/metadata.js';
import { listAuditEvents, type AuditQuery } from '../../identity/audit.js';
import type { DomainContext } from '../../identity/context.js';
import { createDirectory, deleteDirectory, getDirectory, linkOrganization, listDirectories, unlinkOrganization } from '../../identity/directories.js';
import { forbidden, notFound } from '../../identity/errors.js';
import { createOrganization, deleteOrganization, findOrganization, getOrganization, listOrganizations, updateOrganization } from '../../identity/organizations.js';
import { adminScope, managedOrganization, requirePlatformAdmin } from '../../identity/admin/principal.js';
import { createRoleMapping, deleteRoleMapping, listRoleMappings, updateRoleMapping } from '../../identity/roleMappings.js';
import { createScimToken, listScimTokens, revokeScimToken } from '../../identity/scimTokens.js';
import { findUserInScope } from '../../identity/scope.js';
import { createOidcClient, deleteOidcClient, getOidcClient, listOidcClients, updateOidcClient } from '../../identity/oidcClients.js';
import { createAdminApiToken, listAdminApiTokens, revokeAdminApiToken } from '../../identity/admin/apiTokens.js';
import { body, queryDate, queryInteger, queryString } from './params.js';

/** Organizations, directories with their SAML settings and SCIM tokens, role mappings, the audit log and API tokens. */
export function platformRoutes(ctx: DomainContext): Router {
  const router = Router();
  const platformOnly: RequestHandler = (req, _res, next) => {
    requirePlatformAdmin(req.admin!);
    next();
  };

  // Organizations: every administrator reads the ones they manage; only platform administrators change them.
  router.get('/organizations', async (req, res) => {
    const principal = req.admin!;
    res.json({ organizations: await listOrganizations(ctx, principal.isPlatformAdmin ? {} : { ids: principal.managed.map((o) => o.id) }) });
  });
  router.get('/organizations/:id', async (req, res) => {
    const org = await findOrganization(ctx, req.params.id as string);
    if (!req.admin!.isPlatformAdmin && !managedOrganization(req.admin!, org.id)) throw notFound('organization');
    res.json(await getOrganization(ctx, org.id));
  });
  router.post('/organizations', platformOnly, async (req, res) => {
    res.status(201).json(await createOrganization(ctx, req.admin!.actor, body(req) as never));
  });
  router.patch('/organizations/:id', platformOnly, async (req, res) => {
    res.json(await updateOrganization(ctx, req.admin!.actor, req.params.id as string, body(req) as never));
  });
  router.delete('/organizations/:id', platformOnly, async (req, res) => {
    await deleteOrganization(ctx, req.admin!.actor, req.params.id as string);
    res.status(204).end();
  });

  // Directories, their organizations, SAML settings and SCIM tokens: platform administrators only.
  router.get('/directories', platformOnly, async (_req, res) => {
    res.json({ directories: await listDirectories(ctx) });
  });
  router.post('/directories', platformOnly, async (req, res) => {
    res.status(201).json(await createDirectory(ctx, req.admin!.actor, body(req) as never));
  });
  router.get('/directories/:id', platformOnly, async (req, res) => {
    res.json(await getDirectory(ctx, req.params.id as string));
  });
  router.delete('/directories/:id', platformOnly, async (req, res) => {
    await deleteDirectory(ctx, req.admin!.actor, req.params.id as string);
    res.status(204).end();
  });
  router.put('/directories/:id/organizations/:organization', platformOnly, async (req, res) => {
    res.json(await linkOrganization(ctx, req.admin!.actor, { directory: req.params.id as string, organization: req.params.organization as string }));
  });
  router.delete('/directories/:id/organizations/:organization', platformOnly, async (req, res) => {
    res.json(await unlinkOrganization(ctx, req.admin!.actor, { directory: req.params.id as string, organization: req.params.organization as string }));
  });
  router.get('/directories/:id/saml', platformOnly, async (req, res) => {
    res.json(await getSamlSettings(ctx, req.params.id as string));
  });
  router.put('/directories/:id/saml', platformOnly, async (req, res) => {
    const input = body(req);
    const fromMetadata = typeof input.metadata === 'string' ? parseIdpMetadata(input.metadata) : undefined;
    const { metadata: _metadata, ...settings } = input;
    const merged = fromMetadata
      ? { entityId: fromMetadata.entityId, ssoUrl: fromMetadata.ssoUrl, sloUrl: fromMetadata.sloUrl, certificates: fromMetadata.certificates, ...(fromMetadata.nameIdFormat ? { nameIdFormat: fromMetadata.nameIdFormat } : {}), ...settings }
      : settings;
    res.json(await configureSaml(ctx, req.admin!.actor, req.params.id as string, merged as never));
  });
  router.delete('/directories/:id/saml', platformOnly, async (req, res) => {
    await removeSaml(ctx, req.admin!.actor, req.params.id as string);
    res.status(204).end();
  });
  router.get('/directories/:id/scim-tokens', platformOnly, async (req, res) => {
    res.json({ tokens: await listScimTokens(ctx, { directory: req.params.id as string }) });
  });
  router.post('/directories/:id/scim-tokens', platformOnly, async (req, res) => {
    const input = body(req);
    res.status(201).json(await createScimToken(ctx, req.admin!.actor, { directory: req.params.id as string, ...(input as object) } as never));
  });
  router.delete('/scim-tokens/:id', platformOnly, async (req, res) => {
    res.json(await revokeScimToken(ctx, req.admin!.actor, req.params.id as string));
  });

  // Role mappings: platform administrators only.
  router.get('/role-mappings', platformOnly, async (req, res) => {
    const directory = queryString(req, 'directory');
    res.json({ roleMappings: await listRoleMappings(ctx, directory ? { directory } : {}) });
  });
  router.post('/role-mappings', platformOnly, async (req, res) => {
    res.status(201).json(await createRoleMapping(ctx, req.admin!.actor, body(req) as never));
  });
  router.patch('/role-mappings/:id', platformOnly, async (req, res) => {
    res.json(await updateRoleMapping(ctx, req.admin!.actor, req.params.id as string, body(req) as never));
  });
  router.delete('/role-mappings/:id', platformOnly, async (req, res) => {
    await deleteRoleMapping(ctx, req.admin!.actor, req.params.id as string);
    res.status(204).end();
  });

  // OpenID Connect clients (the portal applications): platform administrators only.
  router.get('/oidc-clients', platformOnly, async (_req, res) => {
    res.json({ clients: await listOidcClients(ctx) });
  });
  router.post('/oidc-clients', platformOnly, async (req, res) => {
    res.status(201).json(await createOidcClient(ctx, req.admin!.actor, body(req) as never));
  });
  router.get('/oidc-clients/:id', platformOnly, async (req, res) => {
    res.json(await getOidcClient(ctx, req.params.id as string));
  });
  router.patch('/oidc-clients/:id', platformOnly, async (req, res) => {
    res.json(await updateOidcClient(ctx, req.admin!.actor, req.params.id as string, body(req) as never));
  });
  router.delete('/oidc-clients/:id', platformOnly, async (req, res) => {
    await deleteOidcClient(ctx, req.admin!.actor, req.params.id as string);
    res.status(204).end();
  });

  // The audit log: platform administrators see everything; organization administrators the events of their
  // organizations, or of a user they can see.
  router.get('/audit-events', async (req, res) => {
    const principal = req.admin!;
    const query: AuditQuery = {};
    const actor = queryString(req, 'actor');
    const user = queryString(req, 'user');
    const organization = queryString(req, 'organization');
    const action = queryString(req, 'action');
    const from = queryDate(req, 'from');
    const to = queryDate(req, 'to');
    const limit = queryInteger(req, 'limit');
    const offset = queryInteger(req, 'offset');
    if (actor) query.actorId = actor;
    if (user) query.userId = user;
    if (organization) query.organizationId = (await findOrganization(ctx, organization)).id;
    if (action) query.action = action;
    if (from) query.from = from;
    if (to) query.to = to;
    if (limit !== undefined) query.limit = limit;
    if (offset !== undefined) query.offset = offset;
    if (!principal.isPlatformAdmin) {
      if (query.userId) await findUserInScope(ctx, query.userId, adminScope(principal));
      else if (!query.organizationId || !managedOrganization(principal, query.organizationId)) {
        throw forbidden('admin.audit_scope', 'Filter the audit log by one of your organizations or by one of your users.');
      }
    }
    res.json(await listAuditEvents(ctx, query));
  });

  // The administrator's own API tokens.
  router.get('/api-tokens', async (req, res) => {
    res.json({ tokens: await listAdminApiTokens(ctx, req.admin!) });
  });
  router.post('/api-tokens', async (req, res) => {
    const input = body(req);
    res.status(201).json(await createAdminApiToken(ctx, req.admin!, { name: String(input.name ?? ''), ...(input.expiresInDays !== undefined ? { expiresInDays: Number(input.expiresInDays) } : {}) }));
  });
  router.delete('/api-tokens/:id', async (req, res) => {
    res.json(await revokeAdminApiToken(ctx, req.admin!, req.params.id as string));
  });

  return router;
}
