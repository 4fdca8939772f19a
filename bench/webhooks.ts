/**
 * Webhook delivery: events per second delivered to a portal, how long after its change each event arrives, and what
 * delivery costs the server, while a provisioning client writes through SCIM.
 *
 *   npm run bench -- webhooks [--users 3000] [--concurrency 4] [--db sqlite|postgres]
 *
 * The server (the compiled build, its own process) has one subscription of a portal application to every event; the
 * receiver is a bare node:http server in the bench's process answering 204. Two phases of --users SCIM creations
 * each (every creation is one `user.created` event): first without any subscription enabled (the write alone, with
 * the events outbox), then with the subscription, deliveries running beside the writes. The table gives, per phase,
 * the SCIM writes per second and the server's CPU per write; for the second, the deliveries per second over the
 * phase, until the last delivery, and the lag from each event's commit to its arrival (p50, p99). Every event must
 * arrive exactly once, in order per user, signed.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { migrateUp } from '../src/db/migrator.js';
import { buildDeps } from '../src/deps.js';
import { createDirectory } from '../src/identity/directories.js';
import { createOidcClient } from '../src/identity/oidcClients.js';
import { createOrganization } from '../src/identity/organizations.js';
import type { OperatorPrincipal } from '../src/identity/principal.js';
import { createScimToken } from '../src/identity/scimTokens.js';
import { createWebhook, updateWebhook } from '../src/identity/webhooks/subscriptions.js';
import { createLogger } from '../src/lib/logger.js';
import { type BenchDb, benchEnv, cpuMs, fmt, measure, percentile, removeBenchData, startServer, table } from './lib.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '4' },
    db: { type: 'string', default: 'sqlite' },
  },
});
const users = Number(values.users);
const concurrency = Number(values.concurrency);

/** What the receiver saw of each request. */
const arrivals: Array<{ id: string; position: number; userId: string | null; occurredAt: number; arrivedAt: number }> = [];
let badSignatures = 0;
let secret = Buffer.alloc(0);
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const id = String(req.headers['webhook-id']);
    const timestamp = String(req.headers['webhook-timestamp']);
    const expected = createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64');
    if (!String(req.headers['webhook-signature']).split(' ').includes(`v1,${expected}`)) badSignatures += 1;
    const payload = JSON.parse(body) as { data: { id: string; position: number; userId: string | null; occurredAt: string } };
    arrivals.push({ id: payload.data.id, position: payload.data.position, userId: payload.data.userId, occurredAt: Date.parse(payload.data.occurredAt), arrivedAt: Date.now() });
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;

const env = benchEnv(values.db as BenchDb, { SCIM_RATE_LIMIT_PER_SECOND: '1000000', SCIM_RATE_LIMIT_BURST: '1000000', WEBHOOK_POLL_MS: '100' });
const actor: OperatorPrincipal = { kind: 'operator', actor: { type: 'operator', label: 'bench' } };

/** The directory, its token, and a portal's subscription to every event, disabled for the first phase. */
async function seed(): Promise<{ token: string; subscription: string }> {
  const deps = buildDeps(loadConfig({ env }), { logger: createLogger({ level: 'silent' }) });
  await migrateUp(deps.db);
  const org = await createOrganization(deps.ctx, actor, { kind: 'customer', name: 'Bench Customer', slug: 'bench-customer' });
  await createDirectory(deps.ctx, actor, { kind: 'sso', name: 'bench-okta', organizations: [org.slug] });
  const { token } = await createScimToken(deps.ctx, actor, { directory: 'bench-okta', name: 'bench' });
  const portal = await createOidcClient(deps.ctx, actor, { name: 'Bench portal', redirectUris: ['https://portal.bench.example/cb'] });
  const subscription = await createWebhook(deps.ctx, actor, { client: portal.clientId, url: receiverUrl, eventTypes: 'all', enabled: false });
  secret = Buffer.from(subscription.secret.slice('whsec_'.length), 'base64');
  await deps.close();
  return { token, subscription: subscription.id };
}

async function enable(id: string): Promise<void> {
  const deps = buildDeps(loadConfig({ env }), { logger: createLogger({ level: 'silent' }) });
  await updateWebhook(deps.ctx, actor, id, { enabled: true });
  await deps.close();
}

const { token, subscription } = await seed();
const server = await startServer(env);

async function create(i: number): Promise<void> {
  const userName = `user${i}@bench.example.com`;
  const response = await fetch(`${server.base}/scim/v2/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, name: { givenName: `Given${i}`, familyName: `Family${i}` }, emails: [{ primary: true, value: userName, type: 'work' }], active: true }),
  });
  await response.text();
  if (response.status !== 201) throw new Error(`POST /Users: ${response.status}`);
}

const rows: (string | number)[][] = [];
try {
  const quiet = await measure(server, users, concurrency, (i) => create(i));
  rows.push(['SCIM POST /Users, no subscription', users, fmt(quiet.perSecond, 0), fmt(quiet.cpuPerRequest, 2), '', '', '', '']);

  await enable(subscription);
  // Let the fan-out start from here (a subscription enabled now gets the events committed from now on).
  await new Promise((resolve) => setTimeout(resolve, 500));
  const cpuBefore = cpuMs(server.pid);
  const started = Date.now();
  const busy = await measure(server, users, concurrency, (i) => create(users + i));
  const deadline = Date.now() + 120_000;
  while (arrivals.length < users && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const finished = Math.max(...arrivals.map((a) => a.arrivedAt));
  const cpuPerEvent = (cpuMs(server.pid) - cpuBefore) / users;
  const lags = arrivals.map((a) => a.arrivedAt - a.occurredAt).sort((a, b) => a - b);
  const ids = new Set(arrivals.map((a) => a.id));
  const ordered = arrivals.every((a, i) => i === 0 || a.userId !== arrivals[i - 1]?.userId || a.position > (arrivals[i - 1]?.position ?? 0));
  rows.push([
    'SCIM POST /Users, deliveries beside',
    users,
    fmt(busy.perSecond, 0),
    fmt(busy.cpuPerRequest, 2),
    fmt(arrivals.length / ((finished - started) / 1000), 0),
    fmt(cpuPerEvent, 2),
    `${fmt(percentile(lags, 50), 0)} / ${fmt(percentile(lags, 99), 0)}`,
    arrivals.length === users && ids.size === users && badSignatures === 0 && ordered ? 'yes' : `NO (${arrivals.length} arrived, ${ids.size} distinct, ${badSignatures} bad signatures)`,
  ]);
  console.log(
    table(['workload', 'users', 'SCIM writes/s', 'server CPU ms per write', 'deliveries/s (until the last)', 'server CPU ms per write + delivery', 'lag p50 / p99 ms (commit to arrival)', 'every event once, signed, in order'], rows),
  );
  if (arrivals.length !== users || ids.size !== users || badSignatures > 0) process.exitCode = 1;
} finally {
  await server.stop();
  receiver.close();
  if (process.env.IDBRIDGE_BENCH_KEEP) console.log(`kept ${env.DATA_DIR}`);
  else await removeBenchData(env);
}
