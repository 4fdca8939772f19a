import { Router } from 'express';
import type { AuditQuery } from '../../identity/auditLog.js';
import type { Services } from '../../identity/services.js';
import { body, queryDate, queryInteger, queryString } from './params.js';

/**
 * Organizations, directories with their SAML settings and SCIM tokens, role mappings, portal applications, the audit
 * log, API tokens and service tokens. Each route parses and calls one domain function; who may do what is the
 * policy's to say.
 */
export function platformRoutes(services: Services): Router {
  const router = Router();
  const { organizations, directories, saml, scimTokens, serviceTokens, roleMappings, oidcClients, audit, administrators } = services;

  router.get('/organizations', async (req, res) => {
    res.json({ organizations: await organizations.list(req.admin!) });
  });
  router.get('/organizations/:id', async (req, res) => {
    res.json(await organizations.get(req.admin!, req.params.id as string));
  });
  router.post('/organizations', async (req, res) => {
    res.status(201).json(await organizations.create(req.admin!, body(req) as never));
  });
  router.patch('/organizations/:id', async (req, res) => {
    res.json(await organizations.update(req.admin!, req.params.id as string, body(req) as never));
  });
  router.delete('/organizations/:id', async (req, res) => {
    await organizations.delete(req.admin!, req.params.id as string);
    res.status(204).end();
  });

  router.get('/directories', async (req, res) => {
    res.json({ directories: await directories.list(req.admin!) });
  });
  router.post('/directories', async (req, res) => {
    res.status(201).json(await directories.create(req.admin!, body(req) as never));
  });
  router.get('/directories/:id', async (req, res) => {
    res.json(await directories.get(req.admin!, req.params.id as string));
  });
  router.delete('/directories/:id', async (req, res) => {
    await directories.delete(req.admin!, req.params.id as string);
    res.status(204).end();
  });
  router.put('/directories/:id/organizations/:organization', async (req, res) => {
    res.json(await directories.link(req.admin!, { directory: req.params.id as string, organization: req.params.organization as string }));
  });
  router.delete('/directories/:id/organizations/:organization', async (req, res) => {
    res.json(await directories.unlink(req.admin!, { directory: req.params.id as string, organization: req.params.organization as string }));
  });
  router.get('/directories/:id/saml', async (req, res) => {
    res.json(await saml.settings(req.admin!, req.params.id as string));
  });
  router.put('/directories/:id/saml', async (req, res) => {
    res.json(await saml.configure(req.admin!, req.params.id as string, body(req) as never));
  });
  router.delete('/directories/:id/saml', async (req, res) => {
    await saml.remove(req.admin!, req.params.id as string);
    res.status(204).end();
  });
  router.get('/directories/:id/scim-tokens', async (req, res) => {
    res.json({ tokens: await scimTokens.list(req.admin!, { directory: req.params.id as string }) });
  });
  router.post('/directories/:id/scim-tokens', async (req, res) => {
    res.status(201).json(await scimTokens.create(req.admin!, { directory: req.params.id as string, ...(body(req) as object) } as never));
  });
  // What the directory's IdP asked of SCIM lately, its errors as answered, and whether it has gone quiet.
  router.get('/directories/:id/provisioning-health', async (req, res) => {
    res.json(await services.provisioningHealth.get(req.admin!, req.params.id as string));
  });
  router.delete('/scim-tokens/:id', async (req, res) => {
    res.json(await scimTokens.revoke(req.admin!, req.params.id as string));
  });

  router.get('/role-mappings', async (req, res) => {
    const directory = queryString(req, 'directory');
    res.json({ roleMappings: await roleMappings.list(req.admin!, directory ? { directory } : {}) });
  });
  router.post('/role-mappings', async (req, res) => {
    res.status(201).json(await roleMappings.create(req.admin!, body(req) as never));
  });
  router.patch('/role-mappings/:id', async (req, res) => {
    res.json(await roleMappings.update(req.admin!, req.params.id as string, body(req) as never));
  });
  router.delete('/role-mappings/:id', async (req, res) => {
    await roleMappings.delete(req.admin!, req.params.id as string);
    res.status(204).end();
  });

  router.get('/oidc-clients', async (req, res) => {
    res.json({ clients: await oidcClients.list(req.admin!) });
  });
  router.post('/oidc-clients', async (req, res) => {
    res.status(201).json(await oidcClients.create(req.admin!, body(req) as never));
  });
  router.get('/oidc-clients/:id', async (req, res) => {
    res.json(await oidcClients.get(req.admin!, req.params.id as string));
  });
  router.patch('/oidc-clients/:id', async (req, res) => {
    res.json(await oidcClients.update(req.admin!, req.params.id as string, body(req) as never));
  });
  router.delete('/oidc-clients/:id', async (req, res) => {
    await oidcClients.delete(req.admin!, req.params.id as string);
    res.status(204).end();
  });

  // The audit log: what the administrator may read of it is the policy's (every event, or those of its
  // organizations and users); the filters narrow it.
  router.get('/audit-events', async (req, res) => {
    const query: AuditQuery = {};
    const set = <K extends keyof AuditQuery>(key: K, value: AuditQuery[K] | undefined) => {
      if (value !== undefined && value !== '') query[key] = value;
    };
    set('actorId', queryString(req, 'actor'));
    set('userId', queryString(req, 'user'));
    set('organizationId', queryString(req, 'organization'));
    set('action', queryString(req, 'action'));
    set('from', queryDate(req, 'from'));
    set('to', queryDate(req, 'to'));
    set('limit', queryInteger(req, 'limit'));
    set('offset', queryInteger(req, 'offset'));
    res.json(await audit.list(req.admin!, query));
  });

  // The administrator's own API tokens.
  router.get('/api-tokens', async (req, res) => {
    res.json({ tokens: await administrators.listApiTokens(req.admin!) });
  });
  router.post('/api-tokens', async (req, res) => {
    const input = body(req);
    res.status(201).json(await administrators.createApiToken(req.admin!, { name: String(input.name ?? ''), ...(input.expiresInDays !== undefined ? { expiresInDays: Number(input.expiresInDays) } : {}) }));
  });
  router.delete('/api-tokens/:id', async (req, res) => {
    res.json(await administrators.revokeApiToken(req.admin!, req.params.id as string));
  });

  // Service tokens: the platform's tokens for automation, which belong to no administrator.
  router.get('/service-tokens', async (req, res) => {
    res.json({ tokens: await serviceTokens.list(req.admin!) });
  });
  router.post('/service-tokens', async (req, res) => {
    const input = body(req);
    res.status(201).json(await serviceTokens.create(req.admin!, {
      name: typeof input.name === 'string' ? input.name : '',
      ...(input.organization !== undefined && input.organization !== null ? { organization: String(input.organization) } : {}),
      ...(input.expiresInDays !== undefined ? { expiresInDays: Number(input.expiresInDays) } : {}),
    }));
  });
  router.delete('/service-tokens/:id', async (req, res) => {
    res.json(await serviceTokens.revoke(req.admin!, req.params.id as string));
  });

  return router;
}
