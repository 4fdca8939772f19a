import { createAccount, type CreateAccountInput } from '../../src/identity/accounts/create.js';
import type { DomainContext } from '../../src/identity/context.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { testOperator } from './db.js';

let sequence = 0;
const next = () => ++sequence;

export async function anOrganization(ctx: DomainContext, input: Partial<Parameters<typeof createOrganization>[2]> = {}) {
  const n = next();
  return createOrganization(ctx, testOperator, { kind: 'customer', name: `Customer ${n}`, slug: `customer-${n}`, ...input });
}

export async function aDirectory(ctx: DomainContext, organizations: string[] = []) {
  return createDirectory(ctx, testOperator, { kind: 'sso', name: `idp-${next()}`, organizations });
}

export async function aUser(ctx: DomainContext, input: Partial<CreateAccountInput> & { userName?: string } = {}) {
  const n = next();
  const userName = input.userName ?? `user${n}@example.com`;
  return createAccount(ctx, testOperator, {
    directory: input.directory ?? 'local',
    attributes: { userName, name: { givenName: `Given${n}`, familyName: `Family${n}` }, emails: [{ value: userName, type: 'work', primary: true }], ...input.attributes },
    ...(input.active !== undefined ? { active: input.active } : {}),
    ...(input.memberships ? { memberships: input.memberships } : {}),
  });
}
