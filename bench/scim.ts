/**
 * SCIM /Users and /Groups over HTTP, the way an enterprise IdP calls them: throughput, p50/p99 latency and the
 * server's CPU time per request (read from /proc for the server process).
 *
 * Users are provisioned the way Okta does it (a `userName eq` lookup, then a POST), first 1,000 of them, when the
 * lookup is measured once, then the rest, when it is measured again: an index keeps the two close. Then a group is
 * created with `--group-members` members in one body, and the member PATCHes are measured against it.
 *
 *   npm run bench -- scim [--users 10000] [--group-members N] [--db sqlite|postgres] [--requests 3000]
 *                         [--concurrency 1] [--provision-concurrency 4] [--warm-up 5000]
 *
 * --group-members defaults to half the users, at most 50,000, leaving 5,000 outside the group for the add PATCHes. The per-token rate limit is raised for the bench.
 * Each measured request kind runs on a warm server: --warm-up lookups (5,000) precede the first measurement. Each kind runs
 * --requests times (3,000 by default: a major garbage collection falls in a shorter run, or not, by chance).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { migrateUp } from '../src/db/migrator.js';
import { buildDeps } from '../src/deps.js';
import type { OperatorPrincipal } from '../src/identity/principal.js';
import { createDirectory } from '../src/identity/directories.js';
import { createOrganization } from '../src/identity/organizations.js';
import { createScimToken } from '../src/identity/scimTokens.js';
import { createLogger } from '../src/lib/logger.js';
import { type BenchDb, benchEnv, cpuMs, fmt, type Measured, measure, rssMiB, removeBenchData, startServer, table } from './lib.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    'group-members': { type: 'string' },
    db: { type: 'string', default: 'sqlite' },
    requests: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '1' },
    'provision-concurrency': { type: 'string', default: '4' },
    'warm-up': { type: 'string', default: '5000' },
  },
});
const users = Number(values.users);
/** The add PATCHes take 20 × 100 + 3 × 1,000 users from outside the group. */
const OUTSIDE = 20 * 100 + 3 * 1000;
const groupMembers = Number(values['group-members'] ?? Math.min(50_000, Math.floor(users / 2), users - OUTSIDE));
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const provisionConcurrency = Number(values['provision-concurrency']);
const BASELINE = 1000;
/** Lookups before the first measurement. */
const WARM_UP = Number(values['warm-up']);
if (!Number.isInteger(users) || users < BASELINE + OUTSIDE) throw new Error(`--users must be a whole number of at least ${BASELINE + OUTSIDE}`);
if (!Number.isInteger(groupMembers) || groupMembers < 400 || groupMembers > users - OUTSIDE) {
  throw new Error(`--group-members must be at least 400 and leave ${OUTSIDE.toLocaleString('en')} users outside the group (for the add PATCHes)`);
}
const env = benchEnv(values.db as BenchDb, { SCIM_RATE_LIMIT_PER_SECOND: '1000000', SCIM_RATE_LIMIT_BURST: '1000000', SCIM_MAX_BODY_BYTES: String(64 * 1024 * 1024) });
const actor: OperatorPrincipal = { kind: 'operator', actor: { type: 'operator', label: 'bench' } };

async function seedDirectory(): Promise<string> {
  const deps = buildDeps(loadConfig({ env }), { logger: createLogger({ level: 'silent' }) });
  await migrateUp(deps.db);
  const org = await createOrganization(deps.ctx, actor, { kind: 'customer', name: 'Bench Customer', slug: 'bench-customer' });
  await createDirectory(deps.ctx, actor, { kind: 'sso', name: 'bench-okta', organizations: [org.slug] });
  const { token } = await createScimToken(deps.ctx, actor, { directory: 'bench-okta', name: 'bench' });
  await deps.close();
  return token;
}

const token = await seedDirectory();
const server = await startServer(env);

const SCIM = 'application/scim+json';
/** The little the bench reads of a SCIM answer. */
interface ScimAnswer {
  id: string;
  totalResults?: number;
}

async function call(method: string, path: string, body?: unknown, expect = 200): Promise<ScimAnswer> {
  const response = await fetch(`${server.base}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: SCIM, ...(body === undefined ? {} : { 'content-type': SCIM }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== expect) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as ScimAnswer;
}

const userName = (i: number) => `user${i}@bench.example.com`;
/** The body Okta sends to create a user (placeholder password included: an SSO directory ignores it). */
const oktaUser = (i: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: userName(i),
  name: { givenName: `Given${i}`, familyName: `Family${i}` },
  emails: [{ primary: true, value: userName(i), type: 'work' }],
  displayName: `Given${i} Family${i}`,
  locale: 'en-US',
  externalId: `00u${i.toString(36).padStart(8, '0')}`,
  groups: [],
  password: 'Placeholder-Pa55word!',
  active: true,
});
const eqFilter = (name: string) => `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}&startIndex=1&count=100`;

/**
 * What autovacuum does to a table that grows: ANALYZE as it grows by a tenth. This machine's PostgreSQL runs
 * with autovacuum off, and a planner that never saw statistics of users plans a userName lookup as a walk through the
 * whole directory in creation order (it believes the directory holds one user). Run in the background, on a
 * connection of its own: the work is PostgreSQL's, not the server's.
 */
const analyzer = values.db === 'postgres' ? buildDeps(loadConfig({ env }), { logger: createLogger({ level: 'silent' }) }) : undefined;
let analyzedAt = 0;
/** autovacuum's defaults: analyze once 50 rows plus 10% of the table have changed since the last time. */
const analyzeLikeAutovacuum = (i: number) => {
  if (!analyzer || i < analyzedAt * 1.1 + 50) return;
  analyzedAt = i;
  void analyzer.db.sequelize.query('ANALYZE').catch((error: unknown) => console.error(`ANALYZE failed: ${String(error)}`));
};

const ids: string[] = [];
let errors = 0;
/** Okta's create: look the user up by userName, and POST only when absent. */
async function provision(from: number, to: number): Promise<Measured> {
  return measure(server.pid, to - from, provisionConcurrency, async (k) => {
    const i = from + k;
    analyzeLikeAutovacuum(i);
    try {
      const found = await call('GET', eqFilter(userName(i)));
      if (found.totalResults !== 0) throw new Error(`${userName(i)} already exists`);
      ids[i] = (await call('POST', '/Users', oktaUser(i), 201)).id;
    } catch (error) {
      errors++;
      if (errors <= 5) console.error(String(error));
    }
  });
}

const rows: (string | number)[][] = [];
const row = (name: string, r: Measured, target: string, met: boolean | undefined) => {
  rows.push([name, r.count, fmt(r.perSecond, 0), fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.cpuPerRequest, 2), target, met === undefined ? '' : met ? 'yes' : 'NO']);
  console.log(`  ${name}: p50 ${fmt(r.p50, 2)} ms, server CPU ${fmt(r.cpuPerRequest, 2)} ms/request`);
};
const pick = (i: number, n: number) => (i * 7919) % n;

try {
  console.log(`provisioning ${users} users Okta-style (${values.db}, ${provisionConcurrency} at a time)…`);
  const first = await provision(0, BASELINE);
  // Warm up first (V8 optimises the hot functions over the first few thousand requests): the targets are per
  // request in a running server, not its start.
  await measure(server.pid, WARM_UP, concurrency, (i) => call('GET', eqFilter(userName(pick(i, BASELINE)))));
  const eqSmall = await measure(server.pid, requests, concurrency, (i) => call('GET', eqFilter(userName(pick(i, BASELINE)))));
  const started = performance.now();
  const rest = await provision(BASELINE, users);
  const seconds = (performance.now() - started) / 1000 + first.count / first.perSecond;
  const cpuAfterProvisioning = cpuMs(server.pid);
  console.log(`provisioned ${users} users in ${seconds.toFixed(0)} s (${(users / seconds).toFixed(0)} users/s), ${errors} errors; server CPU ${(cpuAfterProvisioning / 1000).toFixed(0)} s so far`);
  row(`Okta-style provisioning (lookup + POST), ${provisionConcurrency} at a time`, { ...rest, count: users, perSecond: users / seconds }, 'no error', errors === 0);

  const eqLarge = await measure(server.pid, requests, concurrency, (i) => call('GET', eqFilter(userName(pick(i, users)))));
  row(`GET userName eq, at ${BASELINE.toLocaleString('en')} users`, eqSmall, 'CPU < 0.5 ms', eqSmall.cpuPerRequest < 0.5);
  row(`GET userName eq, at ${users.toLocaleString('en')} users`, eqLarge, `p50 ≤ 1.5× at 1,000 (${fmt(eqLarge.p50 / eqSmall.p50, 2)}×); CPU < 0.5 ms`, eqLarge.p50 <= 1.5 * eqSmall.p50 && eqLarge.cpuPerRequest < 0.5);
  const byId = await measure(server.pid, requests, concurrency, (i) => call('GET', `/Users/${ids[pick(i, users)]}`));
  row('GET /Users/{id}', byId, 'CPU < 0.5 ms', byId.cpuPerRequest < 0.5);
  const creates = requests;
  const create = await measure(server.pid, creates, concurrency, (i) => call('POST', '/Users', oktaUser(users + i), 201));
  row('POST /Users (create)', create, 'CPU < 1.5 ms', create.cpuPerRequest < 1.5);
  const pages = Math.min(requests, 200);
  const page = await measure(server.pid, pages, concurrency, (i) => call('GET', `/Users?startIndex=${1 + pick(i, users - 100)}&count=100`));
  row('GET /Users, a page of 100', page, 'CPU < 10 ms', page.cpuPerRequest < 10);

  // Entra's soft delete and Okta's deactivate: PATCH active=false, then back (distinct users: pick is a permutation).
  const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
  const statusChanges = Math.min(requests, 500);
  const setActive = (i: number, active: boolean) => call('PATCH', `/Users/${ids[pick(i, users)]}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] });
  const deactivate = await measure(server.pid, statusChanges, concurrency, (i) => setActive(i, false));
  row('PATCH /Users/{id} active=false (deactivate)', deactivate, 'CPU ≤ 1.5 ms (issue 18)', deactivate.cpuPerRequest <= 1.5);
  const reactivate = await measure(server.pid, statusChanges, concurrency, (i) => setActive(i, true));
  row('PATCH /Users/{id} active=true (reactivate)', reactivate, 'CPU ≤ 1.5 ms (issue 18)', reactivate.cpuPerRequest <= 1.5);

  // The group: its members in one POST body, as large as Okta or Entra may send.
  const members = ids.slice(0, groupMembers).map((value) => ({ value }));
  const bodyMiB = JSON.stringify({ members }).length / 1024 / 1024;
  const groupStarted = performance.now();
  const cpuBefore = cpuMs(server.pid);
  const group = await call('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Bench large group', members }, 201);
  const groupMs = performance.now() - groupStarted;
  rows.push([`POST /Groups with ${groupMembers.toLocaleString('en')} members (${fmt(bodyMiB)} MiB)`, 1, '', fmt(groupMs, 0), '', fmt(cpuMs(server.pid) - cpuBefore, 0), 'accepted', 'yes']);
  const groupPath = `/Groups/${group.id}`;
  const patch = (Operations: unknown[]) => call('PATCH', groupPath, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations }, 204);
  let outside = groupMembers;
  const addBatch = (size: number) => {
    const value = ids.slice(outside, outside + size).map((v) => ({ value: v }));
    outside += size;
    return patch([{ op: 'add', path: 'members', value }]);
  };
  const add100 = await measure(server.pid, 20, 1, () => addBatch(100));
  row('PATCH group: add 100 members', add100, '', undefined);
  const add1000 = await measure(server.pid, 3, 1, () => addBatch(1000));
  row('PATCH group: add 1,000 members', add1000, 'p99 < 1 s', add1000.p99 < 1000);
  const removals = Math.min(requests, 200);
  const remove = await measure(server.pid, removals, 1, (i) => patch([{ op: 'remove', path: `members[value eq "${ids[i]}"]` }]));
  row(`PATCH group: remove one member (of ${groupMembers.toLocaleString('en')})`, remove, 'p99 < 50 ms', remove.p99 < 50);
  const removeValue = await measure(server.pid, removals, 1, (i) => patch([{ op: 'Remove', path: 'members', value: [{ value: ids[removals + i] }] }]));
  row('PATCH group: remove one member, Entra style (value list)', removeValue, 'p99 < 50 ms', removeValue.p99 < 50);
  const slim = await measure(server.pid, Math.min(requests, 500), concurrency, () => call('GET', `${groupPath}?excludedAttributes=members`));
  row('GET /Groups/{id}?excludedAttributes=members', slim, 'p99 < 20 ms', slim.p99 < 20);
  const full = await measure(server.pid, 5, 1, () => call('GET', groupPath));
  row(`GET /Groups/{id} with every member`, full, '', undefined);

  // Deleting users from the platform (the last ones provisioned; some are members of the large group).
  const deletions = Math.min(requests, 300);
  const remove1 = await measure(server.pid, deletions, concurrency, (i) => call('DELETE', `/Users/${ids[users - 1 - i]}`, undefined, 204));
  row('DELETE /Users/{id}', remove1, 'CPU ≤ 2 ms (issue 18)', remove1.cpuPerRequest <= 2);

  console.log(`\nSCIM at ${users.toLocaleString('en')} users and a ${groupMembers.toLocaleString('en')}-member group (${values.db}); server RSS ${fmt(rssMiB(server.pid), 0)} MiB\n`);
  console.log(table(['request', 'requests', 'per second', 'p50 ms', 'p99 ms', 'server CPU ms/request', 'target', 'met'], rows));
  if (errors > 0) process.exitCode = 1;
} finally {
  await server.stop();
  await analyzer?.close();
  await removeBenchData(env);
}
