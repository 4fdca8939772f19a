import type { Locale } from '../../i18n/locales.js';
import type { GrantableOrganization } from '../../identity/accounts/administration.js';
import type { RoleCatalog } from '../../identity/roleCatalog.js';
import type { MembershipView } from '../../identity/userView.js';
import type { OrganizationChoice } from '../../pages/console/userDetail.js';

/**
 * Role names as the console's reader reads them: the role catalog gives each role a label per language
 * (config/roles.json `labels`); the domain's views carry the English one.
 */
export function withRoleLabels<U extends { memberships: MembershipView[] }>(catalog: RoleCatalog, locale: Locale, user: U): U {
  return { ...user, memberships: user.memberships.map((m) => ({ ...m, roleLabel: catalog.labelOf(m.organization.kind, m.role, locale) })) };
}

/** The organizations an administrator may give roles in, their roles labelled in `locale`, with the catalog's default role. */
export function organizationChoices(catalog: RoleCatalog, locale: Locale, organizations: GrantableOrganization[]): OrganizationChoice[] {
  return organizations.map((o) => {
    const fallback = catalog.defaultRole(o.kind).key;
    return {
      ...o,
      roles: o.roles.map((r) => ({ key: r.key, label: catalog.labelOf(o.kind, r.key, locale) })),
      // The default is offered only where this administrator may give it.
      ...(o.roles.some((r) => r.key === fallback) ? { defaultRole: fallback } : {}),
    };
  });
}
