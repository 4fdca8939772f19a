import type { DomainContext } from '../../src/identity/context.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createUser, type CreateUserInput } from '../../src/identity/users.js';
import { testActor } from './db.js';

let sequence = 0;
const next = () => ++sequence;

export async function anOrganization(ctx: DomainContext, input: Partial<Parameters<typeof createOrganization>[2]> = {}) {
  const n = next();
  return createOrganization(ctx, testActor, { kind: 'customer', name: `Customer ${n}`, slug: `customer-${n}`, ...input });
}

export async function aDirectory(ctx: DomainContext, organizations: string[] = []) {
  return createDirectory(ctx, testActor, { kind: 'sso', name: `idp-${next()}`, organizations });
}

export async function aUser(ctx: DomainContext, input: Partial<CreateUserInput> & { userName?: string } = {}) {
  const n = next();
  const userName = input.userName ?? `user${n}@example.com`;
  return createUser(ctx, testActor, {
    directory: input.directory ?? 'local',
    attributes: { userName, name: { givenName: `Given${n}`, familyName: `Family${n}` }, emails: [{ value: userName, type: 'work', primary: true }], ...input.attributes },
    ...(input.active !== undefined ? { active: input.active } : {}),
    ...(input.memberships ? { memberships: input.memberships } : {}),
  });
}
