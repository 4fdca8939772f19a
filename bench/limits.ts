/**
 * Requests at each of the SCIM limits, one at a time, while another client polls /healthz every few milliseconds:
 * how long each request takes and the longest the server left /healthz waiting meanwhile (the event loop held by
 * one request). Requests over a limit must be refused quickly; requests at a limit must not hold the loop for more
 * than about 100 ms.
 *
 *   npm run bench -- limits [--db sqlite|postgres] [--members 50000] [--repeat 3]
 *
 * Each request runs --repeat times; the table gives the worst /healthz wait seen over them (and the median time of
 * the request itself).
 */
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config/load.js';
import { migrateUp } from '../src/db/migrator.js';
import { buildDeps } from '../src/deps.js';
import { createDirectory } from '../src/identity/directories.js';
import type { OperatorPrincipal } from '../src/identity/principal.js';
import { createScimToken } from '../src/identity/scimTokens.js';
import { createLogger } from '../src/lib/logger.js';
import { type BenchDb, benchEnv, fmt, percentile, removeBenchData, startServer, table } from './lib.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    members: { type: 'string', default: '50000' },
    repeat: { type: 'string', default: '3' },
  },
});
const members = Number(values.members);
const repeat = Number(values.repeat);
const env = benchEnv(values.db as BenchDb, { SCIM_RATE_LIMIT_PER_SECOND: '1000000', SCIM_RATE_LIMIT_BURST: '1000000' });
const actor: OperatorPrincipal = { kind: 'operator', actor: { type: 'operator', label: 'bench' } };

/** A directory with `members` users (inserted in SQL: provisioning them is not what this measures) and a token. */
async function seed(): Promise<{ token: string; userIds: string[]; maxBodyBytes: number; maxResults: number }> {
  const settings = loadConfig({ env });
  const deps = buildDeps(settings, { logger: createLogger({ level: 'silent' }) });
  await migrateUp(deps.db);
  const directory = await createDirectory(deps.ctx, actor, { kind: 'sso', name: 'limits-idp' });
  const { token } = await createScimToken(deps.ctx, actor, { directory: 'limits-idp', name: 'limits' });
  const userIds: string[] = [];
  const now = new Date();
  const qi = deps.db.sequelize.getQueryInterface();
  for (let start = 0; start < members; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(members, start + 1000); i++) {
      const id = deps.ctx.random.uuid();
      const userName = `member-${String(i).padStart(6, '0')}@limits.test`;
      userIds.push(id);
      rows.push({ id, directory_id: directory.id, user_name: userName, user_name_normalized: userName, display_name: `Member ${i}`, status: 'ACTIVE', sdk_access: false, is_platform_admin: false, version: 1, created_at: now, updated_at: now });
    }
    await qi.bulkInsert('users', rows);
  }
  if (deps.db.dialect === 'postgres') await deps.db.sequelize.query('ANALYZE');
  await deps.close();
  return { token, userIds, maxBodyBytes: settings.scim.maxBodyBytes, maxResults: settings.scim.maxResults };
}

const { token, userIds, maxBodyBytes, maxResults } = await seed();
const server = await startServer(env);
const SCIM = 'application/scim+json';

interface Sent {
  status: number;
  ms: number;
}

/** The call of `send` with these arguments, evaluated now (the body built before the clock starts). */
const prepared = (...args: Parameters<typeof send>) => () => send(...args);

async function send(method: string, path: string, body?: string | Uint8Array, headers: Record<string, string> = {}): Promise<Sent> {
  const started = performance.now();
  const response = await fetch(`${server.base}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: SCIM, ...(body === undefined ? {} : { 'content-type': SCIM }), ...headers },
    ...(body === undefined ? {} : { body: body as BodyInit }),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/**
 * Polls /healthz back to back from a worker thread (its own event loop: building and reading the bench's large
 * bodies here does not delay it) until stopped; answers the longest single wait.
 */
function pollHealth(): { stop(): Promise<number> } {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    let running = true, worst = 0;
    parentPort.on('message', () => { running = false; });
    (async () => {
      let first = true; // the first call opens the connection: not a wait behind the server
      while (running) {
        const started = performance.now();
        await fetch(workerData + '/healthz').then((r) => r.arrayBuffer());
        if (!first) worst = Math.max(worst, performance.now() - started);
        first = false;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      parentPort.postMessage(worst);
    })();`;
  const worker = new Worker(source, { eval: true, workerData: server.base });
  return {
    stop: async () => {
      const worst = new Promise<number>((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      const value = await worst;
      await worker.terminate();
      return value;
    },
  };
}

const json = (value: unknown) => JSON.stringify(value);
const aUser = await send('POST', '/Users', json({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'target@limits.test', name: { givenName: 'T', familyName: 'T' } }));
if (aUser.status !== 201) throw new Error(`could not create the target user: ${aUser.status}`);
const target = (await (await fetch(`${server.base}/scim/v2/Users?filter=${encodeURIComponent('userName eq "target@limits.test"')}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { Resources: Array<{ id: string }> };
const targetId = target.Resources[0]!.id;

const patchOps = (n: number) => json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: Array.from({ length: n }, (_, i) => ({ op: 'replace', path: 'displayName', value: `Name ${i}` })) });
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepBody = (depth: number) => `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"deep@limits.test","addresses":${nested(depth - 2)}}`;
const memberList = (ids: string[]) => ids.map((value) => ({ value }));
const groupBody = (name: string, ids: string[]) => json({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: name, members: memberList(ids) });
/** A body of about `bytes` bytes that the server must read and parse whole before it can refuse it. */
const bigUser = (bytes: number) => {
  const head = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"big@limits.test","addresses":[';
  const item = '{"type":"work","streetAddress":"1 Main Street","locality":"Springfield","postalCode":"12345","country":"US"},';
  const count = Math.floor((bytes - head.length - 2) / item.length);
  return `${head}${item.repeat(count).slice(0, -1)}]}`;
};
const filterAtLimit = () => {
  // 16 levels of parentheses, 64 comparisons, under 4,096 characters.
  const leaves = Array.from({ length: 48 }, (_, i) => `userName eq "member-${String(i).padStart(6, '0')}@limits.test"`);
  let text = leaves.join(' or ');
  for (let i = 0; i < 15; i++) text = `(${text} or displayName eq "x${i}")`;
  return text;
};

let groupId = '';
/** 50,000 members with display names long enough to bring the body to the group body limit. */
const fullGroupBody = (name: string) => {
  const base = groupBody(name, []).length;
  const perMember = Math.floor((maxBodyBytes - base - 1024) / userIds.length);
  const pad = Math.max(0, perMember - JSON.stringify({ value: userIds[0], display: '' }).length - 1);
  return json({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: name, members: userIds.map((value, i) => ({ value, display: `Member ${i} `.padEnd(pad, '.') })) });
};
const memberCount = members.toLocaleString('en');
/** Each case builds its request (bodies included) before the poll starts, and returns the call to time. */
const cases: Array<{ name: string; expect: number[]; run: () => () => Promise<Sent> }> = [
  { name: 'PATCH /Users with 100,000 operations (over the body limit)', expect: [413], run: () => prepared('PATCH', `/Users/${targetId}`, patchOps(100_000)) },
  { name: 'PATCH /Users with 1,000 operations (the limit)', expect: [200], run: () => prepared('PATCH', `/Users/${targetId}`, patchOps(1000)) },
  { name: 'POST /Users nested 10,000 deep (over)', expect: [400], run: () => prepared('POST', '/Users', deepBody(10_000)) },
  { name: 'POST /Users nested 32 deep (the limit)', expect: [400], run: () => prepared('POST', '/Users', deepBody(32)) },
  { name: 'POST /Users of 1 MiB (the user body limit, 9,000 addresses)', expect: [400], run: () => prepared('POST', '/Users', bigUser(1024 * 1024 - 1024)) },
  { name: 'gzip body inflating past the body limit', expect: [413], run: () => prepared('POST', '/Users', gzipSync(bigUser(maxBodyBytes * 2)), { 'content-encoding': 'gzip' }) },
  {
    name: `POST /Groups with ${memberCount} members`,
    expect: [201],
    run: () => {
      const body = groupBody(`Big ${Date.now()}`, userIds);
      return async () => {
      const sent = await send('POST', '/Groups', body);
      const found = (await (await fetch(`${server.base}/scim/v2/Groups?count=1&sortBy=meta.created&sortOrder=descending&excludedAttributes=members`, { headers: { authorization: `Bearer ${token}` } })).json()) as { Resources: Array<{ id: string }> };
      groupId = found.Resources[0]!.id;
      return sent;
      };
    },
  },
  { name: 'PATCH /Groups with 100,000 operations (over the operations limit)', expect: [400], run: () => prepared('PATCH', `/Groups/${groupId}`, patchOps(100_000)) },
  { name: `GET /Groups/{id} with ${memberCount} members`, expect: [200], run: () => prepared('GET', `/Groups/${groupId}`) },
  { name: `PUT /Groups/{id} with ${memberCount} members`, expect: [200], run: () => prepared('PUT', `/Groups/${groupId}`, groupBody(`Big put ${Date.now()}`, [...userIds].reverse())) },
  { name: `PUT /Groups/{id} of ${(maxBodyBytes / 1048576).toFixed(0)} MiB (the group body limit)`, expect: [200], run: () => prepared('PUT', `/Groups/${groupId}`, fullGroupBody(`Full ${Date.now()}`)) },
  { name: `GET /Users?count=${maxResults} (the page limit)`, expect: [200], run: () => prepared('GET', `/Users?count=${maxResults}`) },
  { name: 'GET /Users past the end (startIndex 2^31-1, the clamp)', expect: [200], run: () => prepared('GET', `/Users?startIndex=2147483647&count=${maxResults}`) },
  { name: 'GET /Users sorted, the last page', expect: [200], run: () => prepared('GET', `/Users?sortBy=userName&sortOrder=descending&startIndex=${members - maxResults}&count=${maxResults}`) },
  { name: '.search on emails past the end', expect: [200], run: () => prepared('POST', '/Users/.search', json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'emails.type le "z" or phoneNumbers.value eq "false"', startIndex: 2147483647, count: 5 })) },
  { name: 'filter at the limits (16 deep, 63 terms)', expect: [200], run: () => prepared('GET', `/Users?filter=${encodeURIComponent(filterAtLimit())}&count=${maxResults}`) },
  { name: 'filter 1,000 not( deep (over)', expect: [400], run: () => prepared('GET', `/Users?filter=${encodeURIComponent(`${'not ('.repeat(1000)}userName eq "x"${')'.repeat(1000)}`)}`) },
];

const rows: (string | number)[][] = [];
let worstOverall = 0;
for (const c of cases) {
  const times: number[] = [];
  let worst = 0;
  const statuses = new Set<number>();
  for (let i = 0; i < repeat; i++) {
    const go = c.run();
    const poll = pollHealth();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = await go();
    await new Promise((resolve) => setTimeout(resolve, 20));
    worst = Math.max(worst, await poll.stop());
    times.push(sent.ms);
    statuses.add(sent.status);
    if (c.name.startsWith('POST /Groups') && i < repeat - 1) await send('DELETE', `/Groups/${groupId}`);
  }
  times.sort((a, b) => a - b);
  worstOverall = Math.max(worstOverall, worst);
  const ok = [...statuses].every((s) => c.expect.includes(s));
  rows.push([c.name, [...statuses].join(', ') + (ok ? '' : ' (unexpected)'), fmt(percentile(times, 50), 0), fmt(worst, 0), worst <= 100 ? 'yes' : 'NO']);
  console.log(`  ${c.name}: ${[...statuses].join(', ')}, ${fmt(percentile(times, 50), 0)} ms, worst /healthz wait ${fmt(worst, 0)} ms`);
}
await server.stop();
await removeBenchData(env);

console.log(`\nSCIM limits on ${values.db}, ${members.toLocaleString('en')} users, each request ${repeat} times, /healthz polled throughout\n`);
console.log(table(['request', 'status', 'request p50 ms', 'worst /healthz wait ms', '≤ 100 ms'], rows));
console.log(`\nworst /healthz wait over every request: ${fmt(worstOverall, 0)} ms`);
