import { Router, type Request, type Response } from 'express';
import { spMetadataXml } from '../../auth/saml/routes/spMetadata.js';
import { spEndpoints, type SamlSettingsInput } from '../../identity/saml/settings.js';
import { isDomainError } from '../../identity/errors.js';
import { directoryListPage, directoryPage } from '../../pages/console/directories.js';
import { SCIM_BASE_PATH } from '../../scim/router.js';
import { attempt, consoleRequest, done, show, type ConsoleDeps } from './context.js';
import { bodyValue } from './userPages.js';

function lines(value: string): string[] {
  return value.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);
}

/** PEM blocks pasted in a textarea (one or more certificates). */
function pemBlocks(value: string): string[] {
  return value.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? (value.trim() ? [value.trim()] : []);
}

/** Directories (platform administrators): SAML settings, SP metadata to copy, organizations, SCIM tokens shown once. */
export function directoryPages(deps: ConsoleDeps): Router {
  const router = Router();
  const { settings } = deps;
  const { directories, organizations, saml, scimTokens, provisioningHealth } = deps.services;

  async function showDirectory(req: Request, res: Response, name: string, extra: { newToken?: { name: string; token: string }; samlErrors?: Record<string, string>; status?: number } = {}): Promise<void> {
    const { t, csrf, admin } = consoleRequest(req);
    const directory = await directories.get(admin, name);
    const current = directory.kind === 'sso' ? await saml.settings(admin, directory.id).catch((error: unknown) => (isDomainError(error) && error.kind === 'not_found' ? null : Promise.reject(error))) : null;
    const endpoints = spEndpoints(settings, directory.name);
    show(deps, req, res, {
      title: directory.name,
      section: 'directories',
      ...(extra.status ? { status: extra.status } : {}),
      body: directoryPage(t, {
        csrf,
        directory,
        organizations: await organizations.list(admin),
        saml: current,
        sp: directory.kind === 'sso' ? { ...endpoints, metadataXml: spMetadataXml(settings, directory.name, current?.nameIdFormat ?? null, deps.samlSp) } : null,
        scimUrl: `${settings.server.publicUrl}${SCIM_BASE_PATH}`,
        tokens: await scimTokens.list(admin, { directory: directory.id }),
        health: await provisioningHealth.get(admin, directory.id),
        ...(extra.newToken ? { newToken: extra.newToken } : {}),
        ...(extra.samlErrors ? { samlErrors: extra.samlErrors } : {}),
      }),
    });
  }

  router.get('/directories', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    show(deps, req, res, { title: t('console.dirs.title'), section: 'directories', body: directoryListPage(t, { csrf, directories: await directories.list(admin), organizations: await organizations.list(admin) }) });
  });

  router.post('/directories', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    await attempt(deps, res, '/admin/directories', async () => {
      const organization = bodyValue(req, 'organization');
      const directory = await directories.create(admin, { kind: 'sso', name: bodyValue(req, 'name'), organizations: organization ? [organization] : [] });
      done(deps, res, `/admin/directories/${directory.name}`, { kind: 'ok', text: t('console.dirs.created', { name: directory.name }) });
    });
  });

  router.get('/directories/:name', async (req, res) => showDirectory(req, res, req.params.name as string));

  router.post('/directories/:name/saml', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const name = req.params.name as string;
    try {
      const metadata = bodyValue(req, 'metadata').trim();
      const certificates = pemBlocks(bodyValue(req, 'certificates'));
      // Pasted metadata speaks for the IdP; otherwise the fields do. Certificates are not shown back (only their
      // fingerprints), so an empty box keeps the current ones.
      const input: SamlSettingsInput = {
        ...(metadata ? { metadata } : { entityId: bodyValue(req, 'entityId').trim(), ssoUrl: bodyValue(req, 'ssoUrl').trim() }),
        ...(!metadata && certificates.length ? { certificates } : {}),
        matchAttribute: (['userName', 'email', 'externalId'].includes(bodyValue(req, 'matchAttribute')) ? bodyValue(req, 'matchAttribute') : 'userName') as 'userName',
        allowIdpInitiated: bodyValue(req, 'allowIdpInitiated') === 'yes',
        jit: bodyValue(req, 'jit') === 'yes',
        domains: lines(bodyValue(req, 'domains')),
      };
      await saml.configure(admin, name, input);
      done(deps, res, `/admin/directories/${name}`, { kind: 'ok', text: t('console.dirs.samlSaved') });
    } catch (error) {
      if (!isDomainError(error) || error.kind === 'not_found' || error.kind === 'forbidden') throw error;
      const field = (error.field ?? 'metadata').split('.')[0] as string;
      await showDirectory(req, res, name, { status: 400, samlErrors: { [['entityId', 'ssoUrl', 'certificates', 'domains', 'metadata'].includes(field) ? field : 'metadata']: error.message } });
    }
  });

  router.post('/directories/:name/organizations', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const name = req.params.name as string;
    await attempt(deps, res, `/admin/directories/${name}`, async () => {
      const directory = await directories.link(admin, { directory: name, organization: bodyValue(req, 'organization') });
      const organization = directory.organizations.find((o) => o.slug === bodyValue(req, 'organization'))?.name ?? bodyValue(req, 'organization');
      done(deps, res, `/admin/directories/${name}`, { kind: 'ok', text: t('console.dirs.linked', { organization }) });
    });
  });

  router.post('/directories/:name/organizations/:organization/unlink', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const name = req.params.name as string;
    await attempt(deps, res, `/admin/directories/${name}`, async () => {
      await directories.unlink(admin, { directory: name, organization: req.params.organization as string });
      done(deps, res, `/admin/directories/${name}`, { kind: 'ok', text: t('console.dirs.unlinked', { organization: req.params.organization as string }) });
    });
  });

  // The new token is in this answer only (no redirect: it must not travel in an address or a cookie).
  router.post('/directories/:name/scim-tokens', async (req, res) => {
    const { admin } = consoleRequest(req);
    const name = req.params.name as string;
    await attempt(deps, res, `/admin/directories/${name}`, async () => {
      const days = bodyValue(req, 'expiresInDays').trim();
      const organization = bodyValue(req, 'organization');
      const created = await scimTokens.create(admin, { directory: name, name: bodyValue(req, 'name'), ...(organization ? { organization } : {}), ...(days ? { expiresInDays: /^\d+$/.test(days) ? Number(days) : -1 } : {}) });
      await showDirectory(req, res, name, { newToken: { name: created.name, token: created.token } });
    });
  });

  router.post('/scim-tokens/:id/revoke', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const token = await scimTokens.revoke(admin, req.params.id as string);
    done(deps, res, `/admin/directories/${token.directory.name}`, { kind: 'ok', text: t('console.dirs.tokenRevoked', { name: token.name }) });
  });

  return router;
}
