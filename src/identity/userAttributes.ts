import { z } from 'zod';
import type { User } from '../db/models/User.js';
import { emailSchema, fitsNormalised, normalise } from './validation.js';

/**
 * A user's profile as the domain knows it: the SCIM core and enterprise attributes, independent of any wire format.
 * In an update, an absent key leaves the attribute alone and null clears it.
 */
const text = (max: number) => z.string().trim().max(max, `must be ${max} characters or fewer`).nullable().optional();

const emailEntry = z.object({
  value: emailSchema,
  type: z.string().trim().max(32).nullable().optional(),
  primary: z.boolean().optional(),
  display: z.string().max(320).nullable().optional(),
});

const phoneEntry = z.object({
  value: z.string().trim().min(1, 'must not be empty').max(64, 'must be 64 characters or fewer'),
  type: z.string().trim().max(32).nullable().optional(),
  primary: z.boolean().optional(),
  display: z.string().max(64).nullable().optional(),
});

/** `primary` is stored as sent; RFC 7643 lets it be true for one value at most. */
const atMostOnePrimary = (entries: ReadonlyArray<{ primary?: boolean | undefined }>) => entries.filter((entry) => entry.primary === true).length <= 1;

export const userAttributesSchema = z.object({
  userName: z.string().trim().min(1, 'must not be empty').max(255, 'must be 255 characters or fewer').refine(fitsNormalised(255), 'must be 255 characters or fewer once normalised (compatibility characters such as ﷺ expand)'),
  externalId: text(255),
  name: z
    .object({
      formatted: text(255),
      givenName: text(255),
      familyName: text(255),
      middleName: text(255),
      honorificPrefix: text(64),
      honorificSuffix: text(64),
    })
    .nullable()
    .optional(),
  displayName: text(255),
  nickName: text(255),
  profileUrl: text(1024),
  title: text(255),
  userType: text(64),
  preferredLanguage: text(35),
  locale: text(35),
  timezone: text(64),
  emails: z.array(emailEntry).max(20, 'at most 20 emails').refine(atMostOnePrimary, 'at most one email may be primary').nullable().optional(),
  phoneNumbers: z.array(phoneEntry).max(20, 'at most 20 phone numbers').refine(atMostOnePrimary, 'at most one phone number may be primary').nullable().optional(),
  enterprise: z
    .object({
      employeeNumber: text(64),
      costCenter: text(128),
      organization: text(255),
      division: text(255),
      department: text(255),
      manager: z.object({ value: text(255), displayName: text(255) }).nullable().optional(),
    })
    .nullable()
    .optional(),
  extra: z.record(z.string(), z.unknown()).nullable().optional(),
  sdkAccess: z.boolean().optional(),
});

export type UserAttributes = z.input<typeof userAttributesSchema>;
export type ParsedUserAttributes = z.output<typeof userAttributesSchema>;
export const userAttributesPatchSchema = userAttributesSchema.partial();
export type UserAttributesPatch = z.input<typeof userAttributesPatchSchema>;

export type EmailEntry = z.output<typeof emailEntry>;
export type PhoneEntry = z.output<typeof phoneEntry>;

/** The entry users and lists show: the one marked primary, else the first. */
export function primaryOf<T extends { primary?: boolean | undefined }>(entries: readonly T[] | null | undefined): T | undefined {
  if (!entries || entries.length === 0) return undefined;
  return entries.find((entry) => entry.primary) ?? entries[0];
}

type UserColumns = Partial<Pick<User,
  'userName' | 'userNameNormalized' | 'externalId' | 'displayName' | 'formattedName' | 'givenName' | 'familyName' | 'middleName' |
  'honorificPrefix' | 'honorificSuffix' | 'nickName' | 'profileUrl' | 'title' | 'userType' | 'preferredLanguage' | 'locale' | 'timezone' |
  'email' | 'emailNormalized' | 'phone' | 'employeeNumber' | 'costCenter' | 'enterpriseOrganization' | 'division' | 'department' |
  'managerId' | 'managerDisplayName' | 'extra' | 'sdkAccess'>>;

/** Columns to write for the attributes present in `attrs` (absent keys are left out, null clears). */
export function toColumns(attrs: Partial<ParsedUserAttributes>): UserColumns {
  const columns: UserColumns = {};
  const set = <K extends keyof UserColumns>(key: K, value: UserColumns[K] | undefined) => {
    if (value !== undefined) columns[key] = value;
  };
  if (attrs.userName !== undefined) {
    columns.userName = attrs.userName;
    columns.userNameNormalized = normalise(attrs.userName);
  }
  set('externalId', attrs.externalId);
  if (attrs.name !== undefined) {
    const name = attrs.name ?? {};
    set('formattedName', name.formatted ?? null);
    set('givenName', name.givenName ?? null);
    set('familyName', name.familyName ?? null);
    set('middleName', name.middleName ?? null);
    set('honorificPrefix', name.honorificPrefix ?? null);
    set('honorificSuffix', name.honorificSuffix ?? null);
  }
  for (const key of ['displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'] as const) set(key, attrs[key]);
  if (attrs.emails !== undefined) {
    const primary = primaryOf(attrs.emails);
    columns.email = primary?.value ?? null;
    columns.emailNormalized = primary ? normalise(primary.value) : null;
  }
  if (attrs.phoneNumbers !== undefined) columns.phone = primaryOf(attrs.phoneNumbers)?.value ?? null;
  if (attrs.enterprise !== undefined) {
    const ent = attrs.enterprise ?? {};
    set('employeeNumber', ent.employeeNumber ?? null);
    set('costCenter', ent.costCenter ?? null);
    set('enterpriseOrganization', ent.organization ?? null);
    set('division', ent.division ?? null);
    set('department', ent.department ?? null);
    set('managerId', ent.manager?.value ?? null);
    set('managerDisplayName', ent.manager?.displayName ?? null);
  }
  if (attrs.extra !== undefined) columns.extra = attrs.extra && Object.keys(attrs.extra).length > 0 ? attrs.extra : null;
  set('sdkAccess', attrs.sdkAccess);
  return columns;
}
