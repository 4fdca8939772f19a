import type { OrganizationKind } from '../db/models/Organization.js';
import type { Locale } from '../i18n/locales.js';
import { invalid } from './errors.js';

export interface RoleDefinition {
  key: string;
  /** The label in English, and in any language the catalog gives none for. */
  label: string;
  /** The label in other languages (config/roles.json `labels`, such as {"es": "Lector"}). */
  labels: Partial<Record<Locale, string>>;
  canManageUsers: boolean;
  /** 0 is the highest role of its kind. */
  rank: number;
}

type RoleInput = { key: string; label: string; labels?: Partial<Record<Locale, string | undefined>>; canManageUsers: boolean };

export interface RoleCatalogInput {
  utility: { default: string; roles: RoleInput[] };
  customer: { default: string; roles: RoleInput[] };
}

/** A role's label in a language: the catalog's label for it, else the role's label. */
export function roleLabelIn(role: Pick<RoleDefinition, 'label' | 'labels'>, locale: Locale): string {
  return role.labels[locale] ?? role.label;
}

/**
 * The roles of each organization kind, highest first. The order is the precedence: when several sources give a user
 * roles in one organization, the highest wins.
 */
export class RoleCatalog {
  readonly #roles: Record<OrganizationKind, RoleDefinition[]>;
  readonly #defaults: Record<OrganizationKind, string>;

  constructor(input: RoleCatalogInput) {
    const rank = (list: RoleInput[]) =>
      list.map((role, index) => ({ key: role.key, label: role.label, labels: Object.fromEntries(Object.entries(role.labels ?? {}).filter(([, text]) => text)) as RoleDefinition['labels'], canManageUsers: role.canManageUsers, rank: index }));
    this.#roles = { utility: rank(input.utility.roles), customer: rank(input.customer.roles) };
    this.#defaults = { utility: input.utility.default, customer: input.customer.default };
  }

  roles(kind: OrganizationKind): readonly RoleDefinition[] {
    return this.#roles[kind];
  }

  find(kind: OrganizationKind, key: string): RoleDefinition | undefined {
    return this.#roles[kind].find((role) => role.key === key);
  }

  /** The role, or an error that lists the roles of this kind. */
  require(kind: OrganizationKind, key: string, field = 'role'): RoleDefinition {
    const role = this.find(kind, key);
    if (!role) {
      const known = this.#roles[kind].map((r) => r.key).join(', ');
      throw invalid('role.unknown', `"${key}" is not a role of ${kind} organizations; use one of: ${known}.`, field);
    }
    return role;
  }

  /** How people read a role in `locale` (the key itself for a role the catalog no longer has). */
  labelOf(kind: OrganizationKind, key: string, locale: Locale): string {
    const role = this.find(kind, key);
    return role ? roleLabelIn(role, locale) : key;
  }

  defaultRole(kind: OrganizationKind): RoleDefinition {
    return this.require(kind, this.#defaults[kind]);
  }

  /** The highest of the given roles. */
  highest(kind: OrganizationKind, keys: readonly string[]): RoleDefinition | undefined {
    return keys
      .map((key) => this.find(kind, key))
      .filter((role): role is RoleDefinition => role !== undefined)
      .sort((a, b) => a.rank - b.rank)[0];
  }

  /**
   * The highest role a provisioning client may give when the organization names none: the highest role that cannot
   * manage users (giving administrators is an operator's decision), or the lowest role if every role can.
   */
  provisioningCeiling(kind: OrganizationKind): RoleDefinition {
    const roles = this.#roles[kind];
    return roles.find((role) => !role.canManageUsers) ?? roles[roles.length - 1]!;
  }

  /** Whether `role` is no higher than `ceiling`. */
  isAtMost(kind: OrganizationKind, role: string, ceiling: string): boolean {
    return this.require(kind, role).rank >= this.require(kind, ceiling).rank;
  }
}
