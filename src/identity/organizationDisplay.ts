import type { OrganizationSupport } from '../db/models/Organization.js';

/**
 * An organization as pages name it to its people: its name and whom to ask for help (a ResolvedBrand's
 * `organization` is one: services.branding.forPage decides which organization a page speaks for).
 */
export interface OrganizationDisplay {
  name: string;
  support: OrganizationSupport;
}

/** Whether a contact has anything to show. */
export function hasSupportContact(support: OrganizationSupport | undefined): boolean {
  return !!support && Object.values(support).some((value) => typeof value === 'string' && value !== '');
}
