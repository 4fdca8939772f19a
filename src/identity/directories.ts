import { Op, UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import type { Directory, DirectoryKind } from '../db/models/Directory.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { authorize } from './policy/index.js';
import type { Principal } from './principal.js';
import { conflict, invalid, notFound } from './errors.js';
import { findOrganization } from './organizations.js';
import { parseInput } from './validation.js';
import { forgetVerifiedScimTokens } from './verifiedScimTokens.js';
import { emitGroupEvent } from './groupEvents.js';
import { emitMembershipChanges, membershipChanges, readMembershipRows } from './membershipEvents.js';
import { directoryMappings, mappingsMatching } from './roleMappings.js';

export const LOCAL_DIRECTORY = 'local';

export interface DirectoryView {
  id: string;
  kind: DirectoryKind;
  name: string;
  organizations: Array<{ id: string; slug: string; name: string }>;
  createdAt: string;
  updatedAt: string;
}

const createSchema = z.object({
  kind: z.enum(['local', 'sso'], { message: 'must be "local" or "sso"' }),
  name: z
    .string()
    .trim()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'use 1 to 64 lower-case letters, digits and inner hyphens; it appears in URLs such as /saml/<name>/acs'),
  organizations: z.array(z.string()).default([]),
});

export type CreateDirectoryInput = z.input<typeof createSchema>;

async function present(ctx: DomainContext, directory: Directory): Promise<DirectoryView> {
  const links = await ctx.db.models.DirectoryOrganization.findAll({ where: { directoryId: directory.id }, transaction: ctx.db.current() });
  const orgs = links.length
    ? await ctx.db.models.Organization.findAll({ where: { id: links.map((l) => l.organizationId) }, order: [['name', 'ASC']], transaction: ctx.db.current() })
    : [];
  return {
    id: directory.id,
    kind: directory.kind,
    name: directory.name,
    organizations: orgs.map((o) => ({ id: o.id, slug: o.slug, name: o.name })),
    createdAt: directory.createdAt.toISOString(),
    updatedAt: directory.updatedAt.toISOString(),
  };
}

/** The directory model, found by id or name. */
export async function findDirectory(ctx: DomainContext, idOrName: string): Promise<Directory> {
  const { Directory } = ctx.db.models;
  const t = ctx.db.current();
  // One query for both: a name is matched before an id (a directory may not be named like another's id).
  const found = await Directory.findAll({ where: { [Op.or]: [{ name: idOrName }, { id: idOrName }] }, limit: 2, transaction: t });
  const directory = found.find((d) => d.name === idOrName) ?? found[0];
  if (!directory) throw notFound('directory');
  return directory;
}

/** What creating a user needs of its directory. */
export interface DirectoryRecord {
  id: string;
  name: string;
  kind: DirectoryKind;
}

/** A directory by name or id (a name first, as findDirectory), read in plain SQL: every user created reads one. */
export async function readDirectory(ctx: DomainContext, idOrName: string): Promise<DirectoryRecord> {
  const found = await ctx.db.rows<DirectoryRecord>('SELECT id, name, kind FROM directories WHERE name = ? OR id = ?', [idOrName, idOrName]);
  const directory = found.find((d) => d.name === idOrName) ?? found[0];
  if (!directory) throw notFound('directory');
  return directory;
}

export async function findLocalDirectory(ctx: DomainContext): Promise<Directory> {
  return findDirectory(ctx, LOCAL_DIRECTORY);
}

export async function getDirectory(ctx: DomainContext, principal: Principal, idOrName: string): Promise<DirectoryView> {
  await authorize(ctx, principal, 'directory.read', { type: 'platform' });
  return present(ctx, await findDirectory(ctx, idOrName));
}

export async function listDirectories(ctx: DomainContext, principal: Principal): Promise<DirectoryView[]> {
  await authorize(ctx, principal, 'directory.read', { type: 'platform' });
  const rows = await ctx.db.models.Directory.findAll({ order: [['name', 'ASC']] });
  return Promise.all(rows.map((row) => present(ctx, row)));
}

export async function createDirectory(ctx: DomainContext, principal: Principal, input: CreateDirectoryInput): Promise<DirectoryView> {
  await authorize(ctx, principal, 'directory.manage', { type: 'platform' });
  const data = parseInput(createSchema, input, 'directory.invalid');
  if (data.kind === 'local') {
    throw conflict('directory.local_exists', 'There is exactly one local directory, named "local", and it already exists; create an "sso" directory instead.', 'kind');
  }
  if (data.name === LOCAL_DIRECTORY) throw conflict('directory.name_taken', 'The name "local" belongs to the local directory.', 'name');
  const now = ctx.clock.now();
  return ctx.db.tx(async (t) => {
    const orgs = await Promise.all(data.organizations.map((slug) => findOrganization(ctx, slug)));
    let directory: Directory;
    try {
      directory = await ctx.db.models.Directory.create({ id: ctx.random.uuid(), kind: data.kind, name: data.name, createdAt: now, updatedAt: now }, { transaction: t });
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw conflict('directory.name_taken', `A directory named "${data.name}" already exists.`, 'name');
      throw error;
    }
    for (const org of orgs) {
      await ctx.db.models.DirectoryOrganization.findOrCreate({ where: { directoryId: directory.id, organizationId: org.id }, defaults: { directoryId: directory.id, organizationId: org.id, createdAt: now }, transaction: t });
    }
    const view = await present(ctx, directory);
    await recordAudit(ctx, t, principal.actor, { action: 'directory.created', targetType: 'directory', targetId: directory.id, directoryId: directory.id, details: { after: view } });
    return view;
  });
}

/** Allows a directory to grant roles in an organization (through role mappings or SCIM). */
export async function linkOrganization(ctx: DomainContext, principal: Principal, input: { directory: string; organization: string }): Promise<DirectoryView> {
  await authorize(ctx, principal, 'directory.manage', { type: 'platform' });
  return ctx.db.tx(async (t) => {
    const directory = await findDirectory(ctx, input.directory);
    const org = await findOrganization(ctx, input.organization);
    const [, created] = await ctx.db.models.DirectoryOrganization.findOrCreate({
      where: { directoryId: directory.id, organizationId: org.id },
      defaults: { directoryId: directory.id, organizationId: org.id, createdAt: ctx.clock.now() },
      transaction: t,
    });
    if (created) {
      await recordAudit(ctx, t, principal.actor, { action: 'directory.organization_linked', targetType: 'directory', targetId: directory.id, directoryId: directory.id, organizationId: org.id, details: { organization: org.slug } });
    }
    return present(ctx, directory);
  });
}

/** Stops a directory from granting roles in an organization; the memberships its role mappings gave there go too. */
export async function unlinkOrganization(ctx: DomainContext, principal: Principal, input: { directory: string; organization: string }): Promise<DirectoryView> {
  await authorize(ctx, principal, 'directory.manage', { type: 'platform' });
  return ctx.db.tx(async (t) => {
    const directory = await findDirectory(ctx, input.directory);
    const org = await findOrganization(ctx, input.organization);
    const removed = await ctx.db.models.DirectoryOrganization.destroy({ where: { directoryId: directory.id, organizationId: org.id }, transaction: t });
    if (!removed) throw invalid('directory.not_linked', `Directory "${directory.name}" is not linked to organization "${org.slug}".`, 'organization');
    const before = await readMembershipRows(ctx, { organizationIds: [org.id] });
    await ctx.db.models.RoleMapping.destroy({ where: { directoryId: directory.id, organizationId: org.id }, transaction: t });
    emitMembershipChanges(ctx, t, principal.actor, membershipChanges(ctx, before, await readMembershipRows(ctx, { organizationIds: [org.id] })));
    await recordAudit(ctx, t, principal.actor, { action: 'directory.organization_unlinked', targetType: 'directory', targetId: directory.id, directoryId: directory.id, organizationId: org.id, details: { organization: org.slug } });
    return present(ctx, directory);
  });
}

export async function isLinked(ctx: DomainContext, directoryId: string, organizationId: string): Promise<boolean> {
  const link = await ctx.db.models.DirectoryOrganization.findOne({ where: { directoryId, organizationId }, transaction: ctx.db.current() });
  return link !== null;
}

/** Deletes an SSO directory that has no users left. */
export async function deleteDirectory(ctx: DomainContext, principal: Principal, idOrName: string): Promise<void> {
  await authorize(ctx, principal, 'directory.manage', { type: 'platform' });
  await ctx.db.tx(async (t) => {
    const directory = await findDirectory(ctx, idOrName);
    if (directory.kind === 'local') throw conflict('directory.local_required', 'The local directory cannot be deleted.');
    const users = await ctx.db.models.User.count({ where: { directoryId: directory.id }, transaction: t });
    if (users > 0) throw conflict('directory.has_users', `Directory "${directory.name}" still has ${users} users; delete them (or deprovision them from the IdP) first.`);
    const before = await present(ctx, directory);
    // Its groups go with it (they have no members left): each is a group.deleted for the portals.
    const [groups, mappings] = await Promise.all([ctx.db.models.Group.findAll({ where: { directoryId: directory.id }, transaction: t }), directoryMappings(ctx, directory.id)]);
    for (const group of groups) emitGroupEvent(ctx, t, principal.actor, 'group.deleted', group, mappingsMatching(mappings, group).map((m) => m.organizationId));
    await directory.destroy({ transaction: t });
    forgetVerifiedScimTokens(ctx, t);
    await recordAudit(ctx, t, principal.actor, { action: 'directory.deleted', targetType: 'directory', targetId: directory.id, directoryId: directory.id, details: { before } });
  });
}
