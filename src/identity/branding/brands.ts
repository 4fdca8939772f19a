import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Organization, OrganizationBrand, OrganizationSupport } from '../../db/models/Organization.js';
import type { SessionStage } from '../../db/models/Session.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { invalid } from '../errors.js';
import { findOrganization } from '../organizations.js';
import { authorize } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { parseInput } from '../validation.js';
import { darker, primaryColourProblem } from './colour.js';
import { checkLogo, LOGO_EXTENSIONS, LogoProblem, type LogoType } from './logo.js';

/**
 * An organization's brand: how its pages, emails and authenticator entries name and show it. Every part is optional;
 * what is unset comes from the platform's brand (configuration `brand.*`, `mail.productName`, `mfa.issuer`).
 */

/** Text a brand shows: one line, bounded, no control characters (it ends up in headers, QR codes and pages). */
const line = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be ${max} characters or fewer`)
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'must be one line of text without control characters');

const brandFields = z
  .object({
    displayName: line(100).nullable().optional(),
    primaryColor: z
      .string()
      .trim()
      .transform((value) => value.toLowerCase())
      .superRefine((value, issue) => {
        const problem = value === '' ? null : primaryColourProblem(value);
        if (problem) issue.addIssue({ code: 'custom', message: problem });
      })
      .nullable()
      .optional(),
    productName: line(100).nullable().optional(),
    senderName: line(100)
      .refine((value) => !/[<>"]/.test(value), 'must not contain < > or " (it is shown as the name of the sender)')
      .nullable()
      .optional(),
    authenticatorName: line(64)
      .refine((value) => !value.includes(':'), 'must not contain ":" (authenticator apps read it as the end of the name)')
      .nullable()
      .optional(),
  })
  .strict();

export type BrandInput = z.input<typeof brandFields>;

const BRAND_KEYS = ['displayName', 'primaryColor', 'productName', 'senderName', 'authenticatorName'] as const;

/**
 * Whether a value can be an organization's slug as pages and addresses carry it (`?org=`, `/brand/<slug>/…`): checked
 * before anything is looked up, by the domain and by the edges that read it from a request.
 */
export function isSlugLike(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z0-9-]{1,64}$/.test(value);
}

/** The logo as pages and emails point to it (never its bytes). */
export interface LogoReference {
  /** Path on idbridge's origin; changes whenever the image does (served with a long cache). */
  path: string;
  contentType: LogoType;
  width: number;
  height: number;
  sha256: string;
}

/**
 * A brand with every part decided: the organization's own where set, the platform's otherwise. `organization` is the
 * organization it speaks for (its name and support contact), null for the platform's.
 */
export interface ResolvedBrand {
  /** The organization's slug, or "platform". */
  key: string;
  name: string;
  productName: string;
  /** Empty: the sender name of the configured From address. */
  senderName: string;
  authenticatorName: string;
  primaryColor: string;
  /** Hover and pressed states. */
  primaryColorDark: string;
  logo: LogoReference | null;
  organization: { id: string; slug: string; name: string; support: OrganizationSupport } | null;
}

/** A brand as the administration reads it: what the organization set, its logo, and the result with the defaults. */
export interface BrandView {
  organization: { id: string; slug: string; name: string };
  brand: OrganizationBrand;
  support: OrganizationSupport;
  logo: (LogoReference & { bytes: number; updatedAt: string }) | null;
  effective: ResolvedBrand;
}

type LogoMeta = { organizationId: string; contentType: string; width: number; height: number; sha256: string; updatedAt: Date };

function logoReference(slug: string, meta: LogoMeta): LogoReference {
  const type = meta.contentType as LogoType;
  return {
    path: `/brand/${slug}/logo-${meta.sha256.slice(0, 16)}.${LOGO_EXTENSIONS[type]}`,
    contentType: type,
    width: meta.width,
    height: meta.height,
    sha256: meta.sha256,
  };
}

async function logoMeta(ctx: DomainContext, organizationId: string): Promise<LogoMeta | null> {
  return ctx.db.models.OrganizationLogo.findByPk(organizationId, {
    attributes: ['organizationId', 'contentType', 'width', 'height', 'sha256', 'updatedAt'],
    transaction: ctx.db.current(),
  });
}

/** The platform's brand (configuration). */
export function platformBrand(ctx: DomainContext): ResolvedBrand {
  const { brand, mail, mfa } = ctx.settings;
  const primaryColor = brand.primaryColor.toLowerCase();
  return {
    key: 'platform',
    name: brand.name,
    productName: mail.productName,
    senderName: brand.senderName,
    authenticatorName: mfa.issuer,
    primaryColor,
    primaryColorDark: darker(primaryColor),
    logo: null,
    organization: null,
  };
}

function resolve(ctx: DomainContext, org: Pick<Organization, 'id' | 'slug' | 'name' | 'brand' | 'support'>, logo: LogoMeta | null): ResolvedBrand {
  const platform = platformBrand(ctx);
  const own = org.brand ?? {};
  const name = own.displayName || org.name;
  const primaryColor = own.primaryColor || platform.primaryColor;
  return {
    key: org.slug,
    name,
    productName: own.productName || platform.productName,
    senderName: own.senderName || name,
    authenticatorName: own.authenticatorName || name,
    primaryColor,
    primaryColorDark: darker(primaryColor),
    logo: logo ? logoReference(org.slug, logo) : null,
    organization: { id: org.id, slug: org.slug, name, support: { ...org.support } },
  };
}

/** The brand of an organization (the platform's parts where it set none). */
export async function brandOf(ctx: DomainContext, org: Pick<Organization, 'id' | 'slug' | 'name' | 'brand' | 'support'>): Promise<ResolvedBrand> {
  return resolve(ctx, org, await logoMeta(ctx, org.id));
}

/** The brand of the organization with this id, or the platform's when there is none. */
export async function brandOfOrganizationId(ctx: DomainContext, organizationId: string | null | undefined): Promise<ResolvedBrand> {
  if (!organizationId) return platformBrand(ctx);
  const org = await ctx.db.models.Organization.findByPk(organizationId, { transaction: ctx.db.current() });
  return org ? brandOf(ctx, org) : platformBrand(ctx);
}

async function view(ctx: DomainContext, org: Organization): Promise<BrandView> {
  const meta = await logoMeta(ctx, org.id);
  const logoBytes = meta
    ? ((await ctx.db.rows<{ bytes: number | string }>('SELECT LENGTH(data) AS bytes FROM organization_logos WHERE organization_id = ?', [org.id]))[0]?.bytes ?? 0)
    : 0;
  return {
    organization: { id: org.id, slug: org.slug, name: org.name },
    brand: { ...org.brand },
    support: { ...org.support },
    logo: meta ? { ...logoReference(org.slug, meta), bytes: Number(logoBytes), updatedAt: meta.updatedAt.toISOString() } : null,
    effective: resolve(ctx, org, meta),
  };
}

/** An organization's brand as set, for its administrators. */
export async function getBrand(ctx: DomainContext, principal: Principal, idOrSlug: string): Promise<BrandView> {
  const org = await findOrganization(ctx, idOrSlug);
  await authorize(ctx, principal, 'organization.read', { type: 'organization', organizationId: org.id });
  return view(ctx, org);
}

/**
 * Changes an organization's brand: each field given is set (null or "" clears it, so the platform's applies), the
 * others stay. Audited with the parts before and after.
 */
export async function setBrand(ctx: DomainContext, principal: Principal, idOrSlug: string, input: BrandInput): Promise<BrandView> {
  const data = parseInput(brandFields, input, 'brand.invalid');
  return ctx.db.tx(async (t) => {
    const org = await findOrganization(ctx, idOrSlug);
    await authorize(ctx, principal, 'organization.brand', { type: 'organization', organizationId: org.id });
    const before = { ...org.brand };
    const after: OrganizationBrand = { ...before };
    for (const key of BRAND_KEYS) {
      if (!(key in data)) continue;
      const value = data[key];
      if (value === null || value === undefined || value === '') delete after[key];
      else after[key] = value;
    }
    const changed = BRAND_KEYS.filter((key) => before[key] !== after[key]);
    if (changed.length > 0) {
      org.brand = after;
      org.updatedAt = ctx.clock.now();
      await org.save({ transaction: t });
      await recordAudit(ctx, t, principal.actor, {
        action: 'organization.brand_changed',
        targetType: 'organization',
        targetId: org.id,
        organizationId: org.id,
        details: { changed, before: pick(before, changed), after: pick(after, changed) },
      });
    }
    return view(ctx, org);
  });
}

function pick(brand: OrganizationBrand, keys: readonly string[]): Record<string, string | null> {
  return Object.fromEntries(keys.map((key) => [key, (brand as Record<string, string | undefined>)[key] ?? null]));
}

/** The limits of a logo from configuration. */
export function logoLimits(ctx: DomainContext): { maxBytes: number; maxWidth: number; maxHeight: number; minSide: number } {
  const { logoMaxKiB, logoMaxPixels } = ctx.settings.brand;
  return { maxBytes: logoMaxKiB * 1024, maxWidth: logoMaxPixels, maxHeight: logoMaxPixels, minSide: 16 };
}

/**
 * Sets an organization's logo from uploaded bytes (PNG, JPEG or WebP, within the limits; SVG refused), replacing the
 * one before. `declaredType` is what the upload said it was; it must match the bytes.
 */
export async function setBrandLogo(ctx: DomainContext, principal: Principal, idOrSlug: string, upload: { bytes: Buffer; declaredType?: string }): Promise<BrandView> {
  return ctx.db.tx(async (t) => {
    const org = await findOrganization(ctx, idOrSlug);
    await authorize(ctx, principal, 'organization.brand', { type: 'organization', organizationId: org.id });
    let image;
    try {
      image = checkLogo(upload.bytes, logoLimits(ctx), upload.declaredType);
    } catch (error) {
      if (error instanceof LogoProblem) throw invalid(error.code, error.message, 'logo');
      throw error;
    }
    const before = await logoMeta(ctx, org.id);
    const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
    const now = ctx.clock.now();
    await ctx.db.models.OrganizationLogo.upsert(
      { organizationId: org.id, contentType: image.type, width: image.width, height: image.height, sha256, data: upload.bytes, updatedAt: now },
      { transaction: t },
    );
    await recordAudit(ctx, t, principal.actor, {
      action: 'organization.brand_logo_changed',
      targetType: 'organization',
      targetId: org.id,
      organizationId: org.id,
      details: { before: before ? { sha256: before.sha256, contentType: before.contentType } : null, after: { sha256, contentType: image.type, width: image.width, height: image.height, bytes: upload.bytes.length } },
    });
    return view(ctx, org);
  });
}

/** Removes an organization's logo (its pages and emails then show its name alone). */
export async function removeBrandLogo(ctx: DomainContext, principal: Principal, idOrSlug: string): Promise<BrandView> {
  return ctx.db.tx(async (t) => {
    const org = await findOrganization(ctx, idOrSlug);
    await authorize(ctx, principal, 'organization.brand', { type: 'organization', organizationId: org.id });
    const before = await logoMeta(ctx, org.id);
    if (before) {
      await ctx.db.models.OrganizationLogo.destroy({ where: { organizationId: org.id }, transaction: t });
      await recordAudit(ctx, t, principal.actor, {
        action: 'organization.brand_logo_removed',
        targetType: 'organization',
        targetId: org.id,
        organizationId: org.id,
        details: { before: { sha256: before.sha256, contentType: before.contentType } },
      });
    }
    return view(ctx, org);
  });
}

/**
 * A logo for serving: public (pages and emails show it to people not signed in), found by the organization's slug and
 * the start of its hash as its address says, so an old address answers "not found" rather than another image.
 */
export async function readLogo(ctx: DomainContext, slug: string, hashPrefix: string): Promise<{ contentType: LogoType; data: Buffer; sha256: string } | null> {
  if (!isSlugLike(slug) || !/^[0-9a-f]{16}$/.test(hashPrefix)) return null;
  const org = await ctx.db.models.Organization.findOne({ where: { slug }, attributes: ['id'], transaction: ctx.db.current() });
  if (!org) return null;
  const logo = await ctx.db.models.OrganizationLogo.findByPk(org.id, { transaction: ctx.db.current() });
  if (!logo || !logo.sha256.startsWith(hashPrefix)) return null;
  return { contentType: logo.contentType as LogoType, data: Buffer.from(logo.data), sha256: logo.sha256 };
}

/**
 * What a hosted page knows of the flow it belongs to, as the edge found it. `userId` only when the flow has already
 * established who the person is without the page telling anyone else (past the password, or a link sent to them):
 * an identifier typed into a form is never enough.
 */
export interface PageFlow {
  /** The portal application (OIDC client) the sign-in is for. */
  clientId?: string | undefined;
  /** The SAML directory the flow goes through. */
  directoryId?: string | undefined;
  /** The person a link or a step of the flow has established (never an identifier typed into a form). */
  userId?: string | undefined;
  /** The browser's session, signed in or part way through signing in. */
  session?: { userId: string; stage: SessionStage } | undefined;
  /** The organization hint a portal puts in its links (`?org=slug`). */
  organizationHint?: string | undefined;
}

/**
 * Whether a session's stage establishes its user as the person at the browser: every stage is reached only past the
 * password (a new stage must say, or this does not compile). Before it, a page reads the same whether or not the
 * account typed in exists.
 */
const ESTABLISHES_THE_PERSON: Readonly<Record<SessionStage, boolean>> = { totp: true, enrol_totp: true, new_password: true, signed_in: true };

/** The person a page's flow has established, if any. */
function establishedPerson(flow: PageFlow): string | undefined {
  if (flow.userId) return flow.userId;
  return flow.session && ESTABLISHES_THE_PERSON[flow.session.stage] ? flow.session.userId : undefined;
}

/** The one organization a portal application is registered for, if it is registered for exactly one. */
async function clientOrganization(ctx: DomainContext, clientId: string): Promise<string | null> {
  const client = await ctx.db.models.OidcClient.findByPk(clientId, { attributes: ['id', 'organizationIds'], transaction: ctx.db.current() });
  const ids = client?.organizationIds ?? [];
  return ids.length === 1 ? (ids[0] as string) : null;
}

/** The one organization a SAML directory serves, if it serves exactly one. */
async function directoryOrganization(ctx: DomainContext, directoryId: string): Promise<string | null> {
  const links = await ctx.db.models.DirectoryOrganization.findAll({ where: { directoryId }, attributes: ['organizationId'], limit: 2, transaction: ctx.db.current() });
  return links.length === 1 ? (links[0]?.organizationId as string) : null;
}

async function organizationBySlug(ctx: DomainContext, slug: string | undefined): Promise<Organization | null> {
  const hint = slug?.trim();
  if (!isSlugLike(hint)) return null;
  return ctx.db.models.Organization.findOne({ where: { slug: hint }, transaction: ctx.db.current() });
}

/** The user's organizations, the one that first gave them a role first (the one that invited them). */
async function userOrganizations(ctx: DomainContext, userId: string): Promise<string[]> {
  const rows = await ctx.db.rows<{ organizationId: string }>(
    'SELECT organization_id AS "organizationId" FROM memberships WHERE user_id = ? ORDER BY created_at ASC, organization_id ASC',
    [userId],
  );
  return rows.map((row) => row.organizationId);
}

/**
 * The brand a hosted page shows, decided from what the flow knows, in this order: the portal application's
 * organization, the SAML directory's, the account's (only once the flow knows the person; a user in several
 * organizations sees the one the flow is for: the hinted one when they belong to it, else the one that invited them),
 * the `?org=` hint, else the platform's.
 */
export async function brandForPage(ctx: DomainContext, flow: PageFlow): Promise<ResolvedBrand> {
  const byClient = flow.clientId ? await clientOrganization(ctx, flow.clientId) : null;
  if (byClient) return brandOfOrganizationId(ctx, byClient);
  const byDirectory = flow.directoryId ? await directoryOrganization(ctx, flow.directoryId) : null;
  if (byDirectory) return brandOfOrganizationId(ctx, byDirectory);
  const hinted = await organizationBySlug(ctx, flow.organizationHint);
  const person = establishedPerson(flow);
  if (person) {
    const own = await userOrganizations(ctx, person);
    if (hinted && own.includes(hinted.id)) return brandOf(ctx, hinted);
    if (own[0]) return brandOfOrganizationId(ctx, own[0]);
  }
  if (hinted) return brandOf(ctx, hinted);
  return platformBrand(ctx);
}

/** The brand an email about a user speaks with: the organization it concerns, else the user's first, else the platform's. */
export async function brandForUser(ctx: DomainContext, userId: string, organizationId?: string | null): Promise<ResolvedBrand> {
  if (organizationId) return brandOfOrganizationId(ctx, organizationId);
  const [first] = await userOrganizations(ctx, userId);
  return brandOfOrganizationId(ctx, first ?? null);
}
