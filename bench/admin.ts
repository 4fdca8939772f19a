/**
 * The administration user list with many users: the default list, search as you type, a filter by organization,
 * every sort column, and an organization administrator's scoped list — each must answer in under 100 ms at 10,000
 * users. Users are seeded through the domain (90% in an SSO directory, ACTIVE; 10% local, PROVISIONED), spread over
 * 20 customer organizations. The admin API is called with an administrator API token; the console's pages (the whole
 * user page, and the results fragment that search as you type fetches) with a platform administrator's session,
 * signed in with a password over HTTP (the bench turns off the platform administrators' TOTP requirement for that).
 *
 *   npm run bench -- admin [--users 10000] [--requests 30] [--db sqlite|postgres]
 */
import { createAccount } from '../src/identity/accounts/create.js';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { migrateUp } from '../src/db/migrator.js';
import { buildDeps } from '../src/deps.js';
import type { OperatorPrincipal } from '../src/identity/principal.js';
import { ADMIN_SORTS } from '../src/identity/accounts/read.js';
import { createAdminApiToken } from '../src/identity/apiTokens.js';
import { loadAdminPrincipal } from '../src/identity/principal.js';
import { createDirectory } from '../src/identity/directories.js';
import { createOrganization } from '../src/identity/organizations.js';
import { createLogger } from '../src/lib/logger.js';
import { type BenchDb, benchEnv, fmt, measure, removeBenchData, startServer, table } from './lib.js';

const { values } = parseArgs({ options: { users: { type: 'string', default: '10000' }, requests: { type: 'string', default: '30' }, db: { type: 'string', default: 'sqlite' } } });
const users = Number(values.users);
const requests = Number(values.requests);
const env = benchEnv(values.db as BenchDb, { MFA_REQUIRED_FOR_PLATFORM_ADMINS: 'false', RATE_LIMIT_SIGN_IN_PER_MINUTE: '10000' });
const ADMIN_PASSWORD = 'glacier tuba orchid 1987';
const ADMIN_EMAIL = 'platform.admin@example.com';
const actor: OperatorPrincipal = { kind: 'operator', actor: { type: 'operator', label: 'bench' } };
const GIVEN = ['Ana', 'Bruno', 'Carmen', 'David', 'Elena', 'Fernando', 'Grace', 'Hector', 'Irene', 'Jorge', 'Karen', 'Luis', 'Maria', 'Nora', 'Oscar', 'Paula'];
const FAMILY = ['Smith', 'Garcia', 'Johnson', 'Martinez', 'Brown', 'Lopez', 'Davis', 'Gonzalez', 'Miller', 'Wilson', 'Moore', 'Taylor', 'Anderson', 'Thomas', 'Jackson', 'White', 'Harris', 'Martin'];

async function seed(): Promise<{ platformToken: string; orgToken: string }> {
  const deps = buildDeps(loadConfig({ env }), { logger: createLogger({ level: 'silent' }) });
  await migrateUp(deps.db);
  const ctx = deps.ctx;
  const organizations: string[] = [];
  for (let i = 0; i < 20; i++) organizations.push((await createOrganization(ctx, actor, { kind: 'customer', name: `Customer ${i}`, slug: `customer-${i}` })).slug);
  const sso = await createDirectory(ctx, actor, { kind: 'sso', name: 'bench-idp', organizations });
  const started = Date.now();
  let orgAdminId = '';
  let platformAdminId = '';
  for (let i = 0; i < users; i++) {
    const given = GIVEN[i % GIVEN.length] as string;
    const family = `${FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length] as string}${i}`;
    const userName = `${given}.${family}@example.com`.toLowerCase();
    const organization = organizations[i % organizations.length] as string;
    const admin = i === 0;
    if (i === 1) {
      platformAdminId = (await createAccount(ctx, actor, { directory: 'local', attributes: { userName: ADMIN_EMAIL, name: { givenName: 'Platform', familyName: 'Admin' }, emails: [{ value: ADMIN_EMAIL, type: 'work', primary: true }] }, isPlatformAdmin: true, password: ADMIN_PASSWORD })).id;
      continue;
    }
    const user = await createAccount(ctx, actor, {
      directory: admin || i % 10 !== 3 ? sso.id : 'local',
      attributes: { userName, name: { givenName: given, familyName: family }, emails: [{ value: userName, type: 'work', primary: true }], title: 'Analyst' },
      memberships: [{ organization, role: admin ? 'full-access' : 'standard-user' }],
    });
    if (admin) orgAdminId = user.id;
  }
  console.log(`seeded ${users} users in 20 organizations in ${((Date.now() - started) / 1000).toFixed(0)} s (${values.db})`);
  const platform = await loadAdminPrincipal(ctx, platformAdminId);
  const orgAdmin = await loadAdminPrincipal(ctx, orgAdminId);
  if (!platform || !orgAdmin) throw new Error('administrators were not seeded');
  const platformToken = (await createAdminApiToken(ctx, platform, { name: 'bench' })).token;
  const orgToken = (await createAdminApiToken(ctx, orgAdmin, { name: 'bench' })).token;
  await deps.close();
  return { platformToken, orgToken };
}

const { platformToken, orgToken } = await seed();
const server = await startServer(env);
try {
  const get = async (path: string, token: string): Promise<number> => {
    const response = await fetch(`${server.base}/api/admin/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { total?: number; detail?: string };
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return body.total ?? 0;
  };
  const searches = ['ma', 'gar', 'smith1', 'elena.gonz', '@example', 'zz-none'];
  const workloads: Array<[string, (i: number) => string, string]> = [
    ['default list (ACTIVE, page of 50)', () => '/users', platformToken],
    ['search as you type (2–10 characters)', (i) => `/users?search=${encodeURIComponent(searches[i % searches.length] as string)}`, platformToken],
    ['search, every status', (i) => `/users?status=all&search=${encodeURIComponent(searches[i % searches.length] as string)}`, platformToken],
    ['one organization', (i) => `/users?organization=customer-${i % 20}`, platformToken],
    ...ADMIN_SORTS.map((sort): [string, (i: number) => string, string] => [`sort by ${sort}`, (i) => `/users?status=all&sort=${sort}&order=${i % 2 ? 'desc' : 'asc'}`, platformToken]),
    ['organization administrator, search', (i) => `/users?search=${encodeURIComponent(searches[i % searches.length] as string)}`, orgToken],
    ['organization administrator, sort by role', () => '/users?sort=role', orgToken],
  ];
  // A console session: the sign-in page's cookies and CSRF token, then the password.
  const signInPage = await fetch(`${server.base}/sign-in`);
  let cookies = (signInPage.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1] ?? '';
  const signedIn = await fetch(`${server.base}/sign-in/password`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies }, body: new URLSearchParams({ _csrf: csrf, identifier: ADMIN_EMAIL, password: ADMIN_PASSWORD }) });
  if (signedIn.status !== 303 || signedIn.headers.get('location') !== '/account') throw new Error(`console sign-in failed: ${signedIn.status} ${signedIn.headers.get('location')}`);
  const session = (signedIn.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0] as string);
  cookies = [...cookies.split('; ').filter((c) => !session.some((s) => s.split('=')[0] === c.split('=')[0])), ...session].join('; ');
  const page = async (path: string): Promise<number> => {
    const response = await fetch(`${server.base}${path}`, { headers: { cookie: cookies }, redirect: 'manual' });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    return text.length;
  };
  const consoleWorkloads: Array<[string, (i: number) => string]> = [
    ['console: user page (default list)', () => '/admin/users'],
    ['console: search as you type (results fragment)', (i) => `/admin/users/results?search=${encodeURIComponent(searches[i % searches.length] as string)}`],
    ['console: sort by last sign-in, every status', (i) => `/admin/users?status=all&sort=lastSignInAt&order=${i % 2 ? 'desc' : 'asc'}`],
    ['console: sort by role, every status', () => '/admin/users?status=all&sort=role'],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, path, token] of workloads) {
    const total = await get(path(0), token);
    await measure(server.pid, 5, 1, (i) => get(path(i), token));
    const r = await measure(server.pid, requests, 1, (i) => get(path(i), token));
    rows.push([name, total, fmt(r.p50), fmt(r.p99), fmt(r.cpuPerRequest), r.p99 < 100 ? 'yes' : 'NO']);
  }
  for (const [name, path] of consoleWorkloads) {
    const bytes = await page(path(0));
    await measure(server.pid, 5, 1, (i) => page(path(i)));
    const r = await measure(server.pid, requests, 1, (i) => page(path(i)));
    rows.push([name, `${Math.round(bytes / 1024)} KiB page`, fmt(r.p50), fmt(r.p99), fmt(r.cpuPerRequest), r.p99 < 100 ? 'yes' : 'NO']);
  }
  console.log(`\nadmin user list at ${users} users (${values.db}), ${requests} requests each, one at a time\n`);
  console.log(table(['request', 'matching users', 'p50 ms', 'p99 ms', 'server CPU ms', 'p99 under 100 ms'], rows));
} finally {
  await server.stop();
  await removeBenchData(env);
}
