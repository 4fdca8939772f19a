import request from 'supertest';
import { createApp, type App } from '../../src/app.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createScimToken } from '../../src/identity/scimTokens.js';
import type { Logger } from '../../src/lib/logger.js';
import { openTestDeps, testOperator, type TestDeps } from './db.js';

export const SCIM = '/scim/v2';
export const SCIM_JSON = 'application/scim+json';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const IDBRIDGE = 'urn:ietf:params:scim:schemas:extension:idbridge:2.0:User';

let directories = 0;

/** A SCIM client of one directory: requests carry its bearer token and send SCIM JSON. */
export class ScimClient {
  constructor(
    readonly app: App,
    readonly token: string,
    readonly directoryId: string,
  ) {}

  private auth<T extends request.Test>(test: T): T {
    return test.set('Authorization', `Bearer ${this.token}`) as T;
  }

  get(path: string) {
    return this.auth(request(this.app).get(`${SCIM}${path}`));
  }

  delete(path: string) {
    return this.auth(request(this.app).delete(`${SCIM}${path}`));
  }

  send(method: 'post' | 'put' | 'patch', path: string, body: unknown) {
    return this.auth(request(this.app)[method](`${SCIM}${path}`)).set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  }

  post(path: string, body: unknown) {
    return this.send('post', path, body);
  }

  put(path: string, body: unknown) {
    return this.send('put', path, body);
  }

  patch(path: string, operations: unknown[]) {
    return this.send('patch', path, { schemas: [PATCH_OP], Operations: operations });
  }

  async createUser(userName: string, extra: Record<string, unknown> = {}): Promise<{ id: string } & Record<string, unknown>> {
    const response = await this.post('/Users', { schemas: [CORE_USER], userName, name: { givenName: 'Test', familyName: 'User' }, emails: [{ value: userName.includes('@') ? userName : `${userName}@example.com`, type: 'work', primary: true }], ...extra });
    if (response.status !== 201) throw new Error(`creating ${userName}: ${response.status} ${response.text}`);
    return response.body;
  }
}

export interface ScimTestApp {
  deps: TestDeps;
  app: App;
  /** A client of a new SSO directory (or of `directory` when given). */
  client(options?: { directory?: string; organization?: string }): Promise<ScimClient>;
  close(): Promise<void>;
}

export async function openScimApp(overrides: Record<string, unknown> = {}, options: { logger?: Logger } = {}): Promise<ScimTestApp> {
  const deps = await openTestDeps({ overrides, ...options });
  const app = createApp(deps);
  return {
    deps,
    app,
    async client(options = {}) {
      const name = options.directory ?? (await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: `idp-${(directories += 1)}` })).name;
      const created = await createScimToken(deps.ctx, testOperator, { directory: name, ...(options.organization ? { organization: options.organization } : {}) });
      return new ScimClient(app, created.token, created.directory.id);
    },
    close: () => deps.close(),
  };
}

/** `filter=…` encoded as a client would send it. */
export function filterQuery(filter: string, extra = ''): string {
  return `filter=${encodeURIComponent(filter)}${extra ? `&${extra}` : ''}`;
}

/**
 * Inserts `count` users of a directory straight into the database (for tests and benchmarks that need many users
 * without paying for them one request at a time). Returns their ids, in order.
 */
export async function seedUsers(deps: TestDeps, directoryId: string, count: number, prefix = 'seeded'): Promise<string[]> {
  const ids: string[] = [];
  const now = deps.clock.now();
  const qi = deps.db.sequelize.getQueryInterface();
  for (let start = 0; start < count; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const id = deps.ctx.random.uuid();
      const userName = `${prefix}-${String(i).padStart(6, '0')}@big.test`;
      ids.push(id);
      rows.push({ id, directory_id: directoryId, user_name: userName, user_name_normalized: userName, status: 'ACTIVE', sdk_access: false, is_platform_admin: false, version: 1, created_at: now, updated_at: now });
    }
    await qi.bulkInsert('users', rows);
  }
  // What autovacuum would do after a bulk load: without statistics PostgreSQL plans the foreign-key checks of later
  // inserts as scans of a table it believes empty.
  if (deps.db.dialect === 'postgres') await deps.db.sequelize.query('ANALYZE users');
  return ids;
}
