/**
 * SCIM /Users and /Groups over HTTP, the way an enterprise IdP calls them: throughput, p50/p99 latency and the
 * server's CPU time per request (read from /proc for the server process).
 *
 * Users are provisioned the way Okta does it (a `userName eq` lookup, then a POST), first 1,000 of them, when the
 * lookups and a page are measured once, then the rest, when they are measured again: they must stay flat in the
 * number of users. Then the writes: create, deactivate and reactivate (each user holding 10 sessions and 10 OpenID
 * Connect grants, which deactivation ends), a group created with `--group-members` members in one body, members
 * added 100 at a time to a group growing from 0 to that size, members removed one at a time, users deleted.
 *
 *   npm run bench -- scim [--users 10000] [--group-members N] [--db sqlite|postgres] [--requests 3000]
 *                         [--concurrency 1] [--provision-concurrency 4] [--warm-up 5000]
 *
 * Every workload runs side by side with a yardstick: a bare `node:http` server (bench/yardstick.ts) answering the
 * same constant resource to the same calls, measured right after; the table gives both CPU figures and their ratio.
 * With --db postgres the table adds PostgreSQL's own CPU per request (every postgres process, sampled around each
 * workload), so that the whole cost of a request shows.
 *
 * --group-members defaults to half the users, at most 50,000, leaving 3,800 outside the groups for the add PATCHes.
 * The per-token rate limit is raised for the bench. Each measured request kind runs on a warm server: --warm-up
 * lookups (5,000) precede the first measurement. Each kind runs --requests times (3,000 by default: a major garbage
 * collection falls in a shorter run, or not, by chance); status changes and deletions at most 1,000 times.
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
import { type BenchDb, benchEnv, cpuMs, fmt, type Measured, measure, rssMiB, removeBenchData, startServer, startYardstick, table } from './lib.js';

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
/** Sizes of the growing group at which adding 100 members is measured, as fractions of --group-members. */
const GROWTH = [0, 0.25, 0.5, 1];
/**
 * PATCHes adding 100 members measured at each size, in rounds: after each round the members it added leave the group
 * again (unmeasured), so every round adds the same spare users to a group of the same size.
 */
const ADD_ROUNDS = 5;
const ADDS_PER_ROUND = 8;
/** The add PATCHes take users from outside the groups: the spare users of a round, then 3 × 1,000. */
const OUTSIDE = ADDS_PER_ROUND * 100 + 3 * 1000;
/** Users whose deactivation and reactivation are measured, each with this many sessions and OpenID Connect grants. */
const SESSIONS_PER_USER = 10;
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
const yardstick = await startYardstick();

const SCIM = 'application/scim+json';
/** The little the bench reads of a SCIM answer. */
interface ScimAnswer {
  id: string;
  totalResults?: number;
}

async function call(method: string, path: string, body?: unknown, expect = 200, base = server.base): Promise<ScimAnswer> {
  const response = await fetch(`${base}/scim/v2${path}`, {
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

/**
 * What a user signed in everywhere holds, written straight into the tables: `SESSIONS_PER_USER` hosted-page sessions
 * and as many OpenID Connect grants (each with an access and a refresh token), for each of `userIds`. Deactivating
 * such a user ends all of them, and that work is part of what the deactivation costs.
 */
async function signInEverywhere(userIds: string[]): Promise<void> {
  const deps = buildDeps(loadConfig({ env }), { logger: createLogger({ level: 'silent' }) });
  try {
    const now = new Date();
    const later = new Date(now.getTime() + 3_600_000);
    const sessions = userIds.flatMap((userId, u) => Array.from({ length: SESSIONS_PER_USER }, (_, k) => ({ id: `bench-session-${u}-${k}`, userId, stage: 'signed_in' as const, data: {}, createdAt: now, lastSeenAt: now, expiresAt: later })));
    const payloads = userIds.flatMap((accountId, u) =>
      Array.from({ length: SESSIONS_PER_USER }, (_, k) => {
        const grantId = `bench-grant-${u}-${k}`;
        return ['Grant', 'AccessToken', 'RefreshToken'].map((model) => ({ model, id: `${grantId}-${model}`, payload: '{}', grantId, accountId, expiresAt: later }));
      }).flat(),
    );
    for (let i = 0; i < sessions.length; i += 1000) await deps.db.models.Session.bulkCreate(sessions.slice(i, i + 1000));
    for (let i = 0; i < payloads.length; i += 1000) await deps.db.models.OidcPayload.bulkCreate(payloads.slice(i, i + 1000));
  } finally {
    await deps.close();
  }
}

const rows: (string | number)[][] = [];
const postgres = values.db === 'postgres';
const cells = (r: Measured) => [r.count, fmt(r.perSecond, 0), fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.cpuPerRequest, 2), ...(postgres ? [r.dbCpuPerRequest === undefined ? '' : fmt(r.dbCpuPerRequest, 2)] : [])];
const row = (name: string, r: Measured, target: string, met: boolean | undefined, yard?: Measured) => {
  rows.push([name, ...cells(r), yard ? fmt(yard.cpuPerRequest, 2) : '', yard ? fmt(r.cpuPerRequest / yard.cpuPerRequest, 1) : '', target, met === undefined ? '' : met ? 'yes' : 'NO']);
  console.log(`  ${name}: p50 ${fmt(r.p50, 2)} ms, server CPU ${fmt(r.cpuPerRequest, 2)} ms/request${yard ? ` (${fmt(r.cpuPerRequest / yard.cpuPerRequest, 1)}× the yardstick)` : ''}`);
};
const pick = (i: number, n: number) => (i * 7919) % n;
/** Rounds measured apart as one run: their calls together, CPU per call over all of them (each round is too short for the clock's ticks). */
const together = (rounds: Measured[]): Measured => {
  const count = rounds.reduce((n, r) => n + r.count, 0);
  const seconds = rounds.reduce((total, r) => total + r.count / r.perSecond, 0);
  const byP50 = [...rounds].sort((a, b) => a.p50 - b.p50);
  const cpu = rounds.reduce((total, r) => total + r.cpuPerRequest * r.count, 0);
  const measured: Measured = { count, perSecond: count / seconds, p50: byP50[Math.floor(rounds.length / 2)]!.p50, p99: Math.max(...rounds.map((r) => r.p99)), cpuPerRequest: cpu / count };
  if (rounds.every((r) => r.dbCpuPerRequest !== undefined)) measured.dbCpuPerRequest = rounds.reduce((total, r) => total + r.dbCpuPerRequest! * r.count, 0) / count;
  return measured;
};

/**
 * Measures a workload on idbridge, then the same calls on the yardstick answering what idbridge answered to the first
 * of them, in the same minute: the ratio of the two CPU figures is what idbridge adds to a bare HTTP exchange.
 */
async function sideBySide(count: number, callers: number, operation: (base: string, i: number) => Promise<unknown>, answer: { status: number; body?: unknown }): Promise<[Measured, Measured]> {
  const measured = await measure(server, count, callers, (i) => operation(server.base, i));
  return [measured, await onYardstick(count, callers, operation, answer)];
}

/** The same calls on the yardstick, answering `answer`: at least a thousand (its CPU per call is a fraction of a 10 ms tick). */
async function onYardstick(count: number, callers: number, operation: (base: string, i: number) => Promise<unknown>, answer: { status: number; body?: unknown }): Promise<Measured> {
  await yardstick.answer(answer.status, answer.body);
  return measure(yardstick, Math.max(count, 1000), callers, (i) => operation(yardstick.base, i));
}

try {
  console.log(`provisioning ${users} users Okta-style (${values.db}, ${provisionConcurrency} at a time)…`);
  const first = await provision(0, BASELINE);
  // Warm up first (V8 optimises the hot functions over the first few thousand requests): the targets are per
  // request in a running server, not its start.
  await measure(server, WARM_UP, concurrency, (i) => call('GET', eqFilter(userName(pick(i, BASELINE)))));
  const lookupAnswer = { status: 200, body: await call('GET', eqFilter(userName(0))) };
  const [eqSmall, eqSmallYard] = await sideBySide(requests, concurrency, (base, i) => call('GET', eqFilter(userName(pick(i, BASELINE))), undefined, 200, base), lookupAnswer);
  const pageAt = (n: number) => (base: string, i: number) => call('GET', `/Users?startIndex=${1 + pick(i, n - 100)}&count=100`, undefined, 200, base);
  const pageAnswer = { status: 200, body: await call('GET', '/Users?startIndex=1&count=100') };
  const pages = Math.min(requests, 1000);
  const [pageSmall, pageSmallYard] = await sideBySide(pages, concurrency, pageAt(BASELINE), pageAnswer);
  const started = performance.now();
  const rest = await provision(BASELINE, users);
  const seconds = (performance.now() - started) / 1000 + first.count / first.perSecond;
  const cpuAfterProvisioning = cpuMs(server.pid);
  console.log(`provisioned ${users} users in ${seconds.toFixed(0)} s (${(users / seconds).toFixed(0)} users/s), ${errors} errors; server CPU ${(cpuAfterProvisioning / 1000).toFixed(0)} s so far`);
  rows.push([`Okta-style provisioning (lookup + POST), ${provisionConcurrency} at a time`, users, fmt(users / seconds, 0), fmt(rest.p50, 2), fmt(rest.p99, 2), fmt(rest.cpuPerRequest, 2), ...(postgres ? [''] : []), '', '', 'no error', errors === 0 ? 'yes' : 'NO']);

  const [eqLarge, eqLargeYard] = await sideBySide(requests, concurrency, (base, i) => call('GET', eqFilter(userName(pick(i, users))), undefined, 200, base), lookupAnswer);
  row(`GET userName eq, at ${BASELINE.toLocaleString('en')} users`, eqSmall, 'CPU < 0.5 ms', eqSmall.cpuPerRequest < 0.5, eqSmallYard);
  row(`GET userName eq, at ${users.toLocaleString('en')} users`, eqLarge, `CPU ≤ 1.5× at 1,000 (${fmt(eqLarge.cpuPerRequest / eqSmall.cpuPerRequest, 2)}×); CPU < 0.5 ms`, eqLarge.cpuPerRequest <= 1.5 * eqSmall.cpuPerRequest && eqLarge.cpuPerRequest < 0.5, eqLargeYard);
  const userAnswer = { status: 200, body: await call('GET', `/Users/${ids[0]}`) };
  const [byId, byIdYard] = await sideBySide(requests, concurrency, (base, i) => call('GET', `/Users/${ids[pick(i, users)]}`, undefined, 200, base), userAnswer);
  row('GET /Users/{id}', byId, 'CPU < 0.5 ms', byId.cpuPerRequest < 0.5, byIdYard);
  const [create, createYard] = await sideBySide(requests, concurrency, (base, i) => call('POST', '/Users', oktaUser(users + i), 201, base), { ...userAnswer, status: 201 });
  row('POST /Users (create)', create, 'CPU ≤ 1.0 ms (issue 18)', create.cpuPerRequest <= 1.0, createYard);
  const [pageLarge, pageLargeYard] = await sideBySide(pages, concurrency, pageAt(users), pageAnswer);
  row(`GET /Users, a page of 100, at ${BASELINE.toLocaleString('en')} users`, pageSmall, 'CPU < 10 ms', pageSmall.cpuPerRequest < 10, pageSmallYard);
  row(`GET /Users, a page of 100, at ${users.toLocaleString('en')} users`, pageLarge, `CPU ≤ 1.2× at 1,000 (${fmt(pageLarge.cpuPerRequest / pageSmall.cpuPerRequest, 2)}×) (issue 18)`, pageLarge.cpuPerRequest <= 1.2 * pageSmall.cpuPerRequest, pageLargeYard);

  // Entra's soft delete and Okta's deactivate: PATCH active=false, then back (distinct users: pick is a permutation),
  // each user signed in with SESSIONS_PER_USER sessions and as many OpenID Connect grants.
  const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
  const statusChanges = Math.min(requests, 1000);
  const leaver = (i: number) => ids[pick(i, users)] as string;
  await signInEverywhere(Array.from({ length: statusChanges }, (_, i) => leaver(i)));
  const setActive = (active: boolean) => (base: string, i: number) => call('PATCH', `/Users/${leaver(i)}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] }, 200, base);
  const [deactivate, deactivateYard] = await sideBySide(statusChanges, concurrency, setActive(false), userAnswer);
  row(`PATCH /Users/{id} active=false (deactivate; ${SESSIONS_PER_USER} sessions and grants each)`, deactivate, 'CPU ≤ 1.5 ms (issue 18)', deactivate.cpuPerRequest <= 1.5, deactivateYard);
  const [reactivate, reactivateYard] = await sideBySide(statusChanges, concurrency, setActive(true), userAnswer);
  row('PATCH /Users/{id} active=true (reactivate)', reactivate, 'CPU ≤ 1.5 ms (issue 18)', reactivate.cpuPerRequest <= 1.5, reactivateYard);

  // The large group: its members in one POST body, as large as Okta or Entra may send.
  const members = ids.slice(0, groupMembers).map((value) => ({ value }));
  const bodyMiB = JSON.stringify({ members }).length / 1024 / 1024;
  const groupStarted = performance.now();
  const cpuBefore = cpuMs(server.pid);
  const group = await call('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Bench large group', members }, 201);
  const groupMs = performance.now() - groupStarted;
  rows.push([`POST /Groups with ${groupMembers.toLocaleString('en')} members (${fmt(bodyMiB)} MiB)`, 1, '', fmt(groupMs, 0), '', fmt(cpuMs(server.pid) - cpuBefore, 0), ...(postgres ? [''] : []), '', '', 'accepted', 'yes']);
  const patchGroup = (groupId: string, Operations: unknown[], base = server.base) => call('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations }, 204, base);
  const addMembers = (groupId: string, from: number, size: number, base?: string) => patchGroup(groupId, [{ op: 'add', path: 'members', value: ids.slice(from, from + size).map((value) => ({ value })) }], base);

  // Entra adds members to a group 100 at a time, whatever its size: a growing group, measured as it grows.
  const growing = await call('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Bench growing group' }, 201);
  const spare = groupMembers;
  const removeSpares = () => patchGroup(growing.id, [{ op: 'Remove', path: 'members', value: ids.slice(spare, spare + ADDS_PER_ROUND * 100).map((value) => ({ value })) }]);
  let size = 0;
  let atZero: Measured | undefined;
  for (const fraction of GROWTH) {
    const goal = Math.floor(fraction * groupMembers);
    for (; size < goal; size = Math.min(goal, size + 5000)) await addMembers(growing.id, size, Math.min(goal, size + 5000) - size);
    const rounds: Measured[] = [];
    const addSpare = (base: string, i: number) => addMembers(growing.id, spare + (i % ADDS_PER_ROUND) * 100, 100, base);
    for (let round = 0; round < ADD_ROUNDS; round++) {
      rounds.push(await measure(server, ADDS_PER_ROUND, 1, (i) => addSpare(server.base, i)));
      await removeSpares();
    }
    const yard = await onYardstick(ADDS_PER_ROUND, 1, addSpare, { status: 204 });
    const add100 = together(rounds);
    atZero ??= add100;
    row(`PATCH group: add 100 members, group of ${size.toLocaleString('en')}`, add100, `≥ 100/s; CPU ≤ 1.2× at 0 (${fmt(add100.cpuPerRequest / atZero.cpuPerRequest, 2)}×) (issue 18)`, add100.perSecond >= 100 && add100.cpuPerRequest <= 1.2 * atZero.cpuPerRequest, yard);
  }
  const outside = spare + ADDS_PER_ROUND * 100;
  const thousands = outside;
  const [add1000, add1000Yard] = await sideBySide(3, 1, (base, i) => addMembers(group.id, thousands + i * 1000, 1000, base), { status: 204 });
  row(`PATCH group: add 1,000 members (group of ${groupMembers.toLocaleString('en')})`, add1000, 'p99 < 1 s', add1000.p99 < 1000, add1000Yard);
  const removals = Math.min(requests, 200);
  const [remove, removeYard] = await sideBySide(removals, 1, (base, i) => patchGroup(group.id, [{ op: 'remove', path: `members[value eq "${ids[i]}"]` }], base), { status: 204 });
  row(`PATCH group: remove one member (of ${groupMembers.toLocaleString('en')})`, remove, 'p50 < 10 ms (issue 18)', remove.p50 < 10, removeYard);
  const [removeValue, removeValueYard] = await sideBySide(removals, 1, (base, i) => patchGroup(group.id, [{ op: 'Remove', path: 'members', value: [{ value: ids[removals + i] }] }], base), { status: 204 });
  row('PATCH group: remove one member, Entra style (value list)', removeValue, 'p50 < 10 ms (issue 18)', removeValue.p50 < 10, removeValueYard);
  const slimPath = `/Groups/${group.id}?excludedAttributes=members`;
  const [slim, slimYard] = await sideBySide(Math.min(requests, 500), concurrency, (base) => call('GET', slimPath, undefined, 200, base), { status: 200, body: await call('GET', slimPath) });
  row('GET /Groups/{id}?excludedAttributes=members', slim, 'p99 < 20 ms', slim.p99 < 20, slimYard);
  const full = await measure(server, 5, 1, () => call('GET', `/Groups/${group.id}`));
  row(`GET /Groups/{id} with every member`, full, '', undefined);

  // Deleting users from the platform (the last ones provisioned; some are members of the large group).
  const deletions = Math.min(requests, 1000);
  const [remove1, remove1Yard] = await sideBySide(deletions, concurrency, (base, i) => call('DELETE', `/Users/${ids[users - 1 - i]}`, undefined, 204, base), { status: 204 });
  row('DELETE /Users/{id}', remove1, 'CPU ≤ 2 ms (issue 18)', remove1.cpuPerRequest <= 2, remove1Yard);

  console.log(`\nSCIM at ${users.toLocaleString('en')} users and a ${groupMembers.toLocaleString('en')}-member group (${values.db}); server RSS ${fmt(rssMiB(server.pid), 0)} MiB\n`);
  const cpuHeadings = ['server CPU ms/request', ...(postgres ? ['PostgreSQL CPU ms/request'] : []), 'yardstick CPU ms/request', '× yardstick'];
  console.log(table(['request', 'requests', 'per second', 'p50 ms', 'p99 ms', ...cpuHeadings, 'target', 'met'], rows));
  console.log('\nyardstick: a bare node:http server answering the same constant resource, measured right after each workload');
  if (errors > 0) process.exitCode = 1;
} finally {
  await server.stop();
  await yardstick.stop();
  await analyzer?.close();
  await removeBenchData(env);
}
