import type { OrganizationKind } from '../db/models/Organization.js';
import { invalid } from './errors.js';

export interface RoleDefinition {
  key: string;
  label: string;
  canManageUsers: boolean;
  /** 0 is the highest role of its kind. */
  rank: number;
}

export interface RoleCatalogInput {
  utility: { default: string; roles: Array<{ key: string; label: string; canManageUsers: boolean }> };
  customer: { default: string; roles: Array<{ key: string; label: string; canManageUsers: boolean }> };
}

/**
 * The roles of each organization kind, highest first. The order is the precedence: when several sources give a user
 * roles in one organization, the highest wins.
 */
export class RoleCatalog {
  readonly #roles: Record<OrganizationKind, RoleDefinition[]>;
  readonly #defaults: Record<OrganizationKind, string>;

  constructor(input: RoleCatalogInput) {
    const rank = (list: RoleCatalogInput['utility']['roles']) => list.map((role, index) => ({ ...role, rank: index }));
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
