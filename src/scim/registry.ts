import SCIMMY from 'scimmy';
import { GroupResource } from './resources/GroupResource.js';
import { UserResource } from './resources/UserResource.js';
import { configureSchemas, idbridgeUserExtension } from './schemas.js';

/**
 * scimmy's resource registry is global to the process: declare idbridge's resource types once, with the enterprise
 * extension and idbridge's own. Tenancy never goes through it (every request carries its context).
 */
export function declareResources(): void {
  configureSchemas();
  if (SCIMMY.Resources.declared('User') !== UserResource) {
    SCIMMY.Resources.declare(UserResource, 'User');
    UserResource.extend(SCIMMY.Schemas.EnterpriseUser, false);
    UserResource.extend(idbridgeUserExtension as unknown as typeof SCIMMY.Schemas.EnterpriseUser, false);
  }
  if (SCIMMY.Resources.declared('Group') !== GroupResource) SCIMMY.Resources.declare(GroupResource, 'Group');
}
