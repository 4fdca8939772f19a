import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import type { SamlConfig, SamlMatchAttribute } from '../../db/models/SamlConfig.js';
import type { Settings } from '../../config/schema.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { authorize } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { findDirectory } from '../directories.js';
import { conflict, invalid, notFound } from '../errors.js';
import { parseInput } from '../validation.js';
import { parseIdpMetadata } from './metadata.js';

export const NAMEID_FORMATS = {
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
} as const;

/** The addresses an IdP administrator needs for this directory, all derived from PUBLIC_URL. */
export function spEndpoints(settings: Settings, directoryName: string) {
  const base = `${settings.server.publicUrl}/saml/${directoryName}`;
  return { entityId: base, acsUrl: `${base}/acs`, sloUrl: `${base}/slo`, metadataUrl: `${base}/metadata`, loginUrl: `${base}/login` };
}

export interface SamlSettingsView {
  directory: { id: string; name: string };
  idp: { entityId: string; ssoUrl: string; sloUrl: string | null; certificates: Array<{ subject: string; fingerprintSha256: string; validTo: string }> };
  nameIdFormat: string;
  matchAttribute: SamlMatchAttribute;
  allowIdpInitiated: boolean;
  jit: boolean;
  domains: string[];
  sp: ReturnType<typeof spEndpoints>;
}

const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name such as acme.com');

const inputSchema = z.object({
  entityId: z.string().trim().min(1, 'must not be empty').max(1024),
  ssoUrl: url,
  sloUrl: url.nullable().optional(),
  certificates: z.array(z.string()).min(1, 'give at least one signing certificate of the IdP'),
  nameIdFormat: z.string().trim().min(1).max(255).default(NAMEID_FORMATS.email),
  matchAttribute: z.enum(['userName', 'email', 'externalId'], { message: 'must be userName, email or externalId' }).default('userName'),
  allowIdpInitiated: z.boolean().default(false),
  jit: z.boolean().default(false),
  domains: z.array(domainSchema).optional(),
});

/**
 * A change of a directory's SAML settings: the IdP's metadata XML (Okta, Entra ID and others publish it), values
 * given one by one, or both. A value given wins over the metadata's, which wins over the current setting; what is
 * given by neither keeps its current value (or its default on a first configuration).
 */
export type SamlSettingsInput = Partial<z.input<typeof inputSchema>> & { metadata?: string };

/** A certificate's PEM, checked to parse, with its details for display. */
export function describeCertificate(pem: string): { subject: string; fingerprintSha256: string; validTo: string } {
  const cert = new X509Certificate(pem);
  return { subject: cert.subject.replace(/\n/g, ', '), fingerprintSha256: cert.fingerprint256, validTo: new Date(cert.validTo).toISOString() };
}

function normaliseCertificates(pems: string[]): string[] {
  return pems.map((pem, index) => {
    try {
      return new X509Certificate(pem.trim()).toString();
    } catch {
      throw invalid('saml.certificate_unreadable', `Certificate ${index + 1} is not a PEM X.509 certificate.`, 'certificates');
    }
  });
}

async function present(ctx: DomainContext, directoryId: string, config: SamlConfig): Promise<SamlSettingsView> {
  const directory = await findDirectory(ctx, directoryId);
  const domains = await ctx.db.models.DirectoryDomain.findAll({ where: { directoryId }, order: [['domain', 'ASC']], transaction: ctx.db.current() });
  return {
    directory: { id: directory.id, name: directory.name },
    idp: { entityId: config.idpEntityId, ssoUrl: config.ssoUrl, sloUrl: config.sloUrl, certificates: config.certificates.map(describeCertificate) },
    nameIdFormat: config.nameIdFormat,
    matchAttribute: config.matchAttribute,
    allowIdpInitiated: config.allowIdpInitiated,
    jit: config.jit,
    domains: domains.map((d) => d.domain),
    sp: spEndpoints(ctx.settings, directory.name),
  };
}

/** The SAML settings of an SSO directory, as stored (or null when none are configured). */
export async function findSamlConfig(ctx: DomainContext, directoryId: string): Promise<SamlConfig | null> {
  return ctx.db.models.SamlConfig.findByPk(directoryId, { transaction: ctx.db.current() });
}

export async function getSamlSettings(ctx: DomainContext, principal: Principal, directoryIdOrName: string): Promise<SamlSettingsView> {
  await authorize(ctx, principal, 'saml.read', { type: 'platform' });
  const directory = await findDirectory(ctx, directoryIdOrName);
  const config = await findSamlConfig(ctx, directory.id);
  if (!config) throw notFound('saml_settings', 'saml.not_configured');
  return present(ctx, directory.id, config);
}

/**
 * Sets the IdP of an SSO directory (entity id, endpoints, one or more signing certificates for rotation, NameID
 * format, which user attribute the assertion is matched on, IdP-initiated sign-in, just-in-time creation) and, when
 * given, the email domains that belong to it. Each domain belongs to one directory only.
 */
export async function configureSaml(ctx: DomainContext, principal: Principal, directoryIdOrName: string, input: SamlSettingsInput): Promise<SamlSettingsView> {
  await authorize(ctx, principal, 'saml.configure', { type: 'platform' });
  const { metadata, ...given } = input;
  const fromMetadata = metadata?.trim() ? parseIdpMetadata(metadata) : undefined;
  return ctx.db.tx(async (t) => {
    const directory = await findDirectory(ctx, directoryIdOrName);
    if (directory.kind !== 'sso') throw invalid('saml.local_directory', 'The local directory signs users in with passwords; SAML belongs to SSO directories.', 'directory');
    const current = await findSamlConfig(ctx, directory.id);
    const merged = {
      entityId: given.entityId ?? fromMetadata?.entityId ?? current?.idpEntityId,
      ssoUrl: given.ssoUrl ?? fromMetadata?.ssoUrl ?? current?.ssoUrl,
      sloUrl: given.sloUrl !== undefined ? given.sloUrl : fromMetadata ? fromMetadata.sloUrl : (current?.sloUrl ?? null),
      certificates: given.certificates?.length ? given.certificates : (fromMetadata?.certificates ?? current?.certificates ?? []),
      nameIdFormat: given.nameIdFormat ?? fromMetadata?.nameIdFormat ?? current?.nameIdFormat,
      matchAttribute: given.matchAttribute ?? current?.matchAttribute,
      allowIdpInitiated: given.allowIdpInitiated ?? current?.allowIdpInitiated,
      jit: given.jit ?? current?.jit,
      ...(given.domains !== undefined ? { domains: given.domains } : {}),
    };
    const data = parseInput(inputSchema, Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)), 'saml.invalid');
    const certificates = normaliseCertificates(data.certificates);
    const now = ctx.clock.now();
    const { SamlConfig, DirectoryDomain } = ctx.db.models;
    const existing = current;
    const values = {
      idpEntityId: data.entityId,
      ssoUrl: data.ssoUrl,
      sloUrl: data.sloUrl ?? null,
      certificates,
      nameIdFormat: data.nameIdFormat,
      matchAttribute: data.matchAttribute,
      allowIdpInitiated: data.allowIdpInitiated,
      jit: data.jit,
      updatedAt: now,
    };
    if (existing) await existing.update(values, { transaction: t });
    else await SamlConfig.create({ directoryId: directory.id, createdAt: now, ...values }, { transaction: t });
    if (data.domains) {
      const taken = await DirectoryDomain.findAll({ where: { domain: data.domains }, transaction: t });
      const elsewhere = taken.filter((d) => d.directoryId !== directory.id);
      if (elsewhere.length > 0) throw conflict('saml.domain_taken', `The domain ${elsewhere[0]?.domain} already belongs to another directory.`, 'domains');
      await DirectoryDomain.destroy({ where: { directoryId: directory.id }, transaction: t });
      await DirectoryDomain.bulkCreate([...new Set(data.domains)].map((domain) => ({ domain, directoryId: directory.id, createdAt: now })), { transaction: t });
    }
    const config = (await SamlConfig.findByPk(directory.id, { transaction: t })) as SamlConfig;
    const view = await present(ctx, directory.id, config);
    await recordAudit(ctx, t, principal.actor, {
      action: existing ? 'saml.updated' : 'saml.configured',
      targetType: 'directory',
      targetId: directory.id,
      directoryId: directory.id,
      details: { idp: { entityId: view.idp.entityId, ssoUrl: view.idp.ssoUrl, certificates: view.idp.certificates.map((c) => c.fingerprintSha256) }, matchAttribute: view.matchAttribute, allowIdpInitiated: view.allowIdpInitiated, jit: view.jit, domains: view.domains },
    });
    return view;
  });
}

/** Removes the SAML settings and domains of a directory: its users can no longer sign in until it is configured again. */
export async function removeSaml(ctx: DomainContext, principal: Principal, directoryIdOrName: string): Promise<void> {
  await authorize(ctx, principal, 'saml.configure', { type: 'platform' });
  await ctx.db.tx(async (t) => {
    const directory = await findDirectory(ctx, directoryIdOrName);
    const removed = await ctx.db.models.SamlConfig.destroy({ where: { directoryId: directory.id }, transaction: t });
    if (!removed) throw notFound('saml_settings', 'saml.not_configured');
    await ctx.db.models.DirectoryDomain.destroy({ where: { directoryId: directory.id }, transaction: t });
    await recordAudit(ctx, t, principal.actor, { action: 'saml.removed', targetType: 'directory', targetId: directory.id, directoryId: directory.id });
  });
}

/** The SSO directory whose domain the email address has, if any (the sign-in page sends the user there). */
export async function directoryForEmail(ctx: DomainContext, email: string): Promise<{ id: string; name: string } | null> {
  const at = email.lastIndexOf('@');
  if (at < 1) return null;
  const domain = email.slice(at + 1).trim().toLowerCase();
  const row = await ctx.db.models.DirectoryDomain.findByPk(domain);
  if (!row) return null;
  const directory = await ctx.db.models.Directory.findByPk(row.directoryId);
  const config = directory ? await ctx.db.models.SamlConfig.findByPk(directory.id) : null;
  return directory && config ? { id: directory.id, name: directory.name } : null;
}
