import request from 'supertest';
import { createApp } from '../../src/app.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createScimToken } from '../../src/identity/scimTokens.js';
import { enqueueMail } from '../../src/mail/outbox.js';
import { csrfOf, openTestApp, submitForm, type Agent, type TestApp } from '../helpers/app.js';
import { activeLocalUser } from '../helpers/accounts.js';
import { testOperator } from '../helpers/db.js';
import { CORE_USER, ScimClient } from '../helpers/scim.js';

const TOKEN = 'metrics-test-token-0123456789abcdef-0123456789';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1] as string, m[2] as string]));
      return { name: match[1] as string, labels, value: Number(match[3]) };
    });
}

/** The sum of the samples of `name` whose labels include `labels`. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

async function signIn(agent: Agent, identifier: string, password: string) {
  await submitForm(agent, '/sign-in', { identifier });
  const page = await agent.get('/sign-in');
  return agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier, password });
}

describe('GET /metrics', () => {
  let t: TestApp;
  /** Every userName, email and id this file uses: none may appear in a label. */
  const personal: string[] = [];

  async function scrape(): Promise<Sample[]> {
    // A request's metrics are recorded at its 'close', just after its answer left.
    await new Promise((resolve) => setImmediate(resolve));
    const response = await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    return parseExposition(response.text);
  }

  beforeAll(async () => {
    t = await openTestApp({ metrics: { token: TOKEN }, lockout: { threshold: 3 } });
  });
  afterAll(() => t.close());

  it('does not exist without METRICS_TOKEN: 404', async () => {
    const app = createApp({ ...t.deps, settings: { ...t.deps.settings, metrics: { token: '' } } });
    expect((await request(app).get('/metrics')).status).toBe(404);
    expect((await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(404);
  });

  it('answers 401 without the token or with another one', async () => {
    const missing = await request(t.app).get('/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(missing.text).not.toContain('idbridge_');
    for (const wrong of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN]) {
      expect((await request(t.app).get('/metrics').set('Authorization', wrong)).status).toBe(401);
    }
  });

  it('answers the Prometheus text format with the token: the metrics of this instance and of the process', async () => {
    await request(t.app).get('/healthz').expect(200);
    const response = await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
    expect(response.headers['cache-control']).toBe('no-store');
    for (const [name, type] of [
      ['idbridge_http_requests_total', 'counter'],
      ['idbridge_http_request_duration_seconds', 'histogram'],
      ['idbridge_scim_requests_total', 'counter'],
      ['idbridge_sign_ins_total', 'counter'],
      ['idbridge_lockouts_total', 'counter'],
      ['idbridge_mail_sent_total', 'counter'],
      ['idbridge_mail_failures_total', 'counter'],
      ['idbridge_mail_outbox_pending', 'gauge'],
      ['idbridge_mail_outbox_oldest_age_seconds', 'gauge'],
      ['idbridge_db_pool_using', 'gauge'],
      ['process_cpu_seconds_total', 'counter'],
    ]) {
      expect(response.text).toContain(`# TYPE ${name} ${type}\n`);
    }
    const samples = parseExposition(response.text);
    expect(valueOf(samples, 'idbridge_http_requests_total', { method: 'GET', route: '/healthz', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'idbridge_http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status_class: '2xx' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'idbridge_db_pool_max')).toBe(t.deps.db.dialect === 'postgres' ? t.deps.settings.database.poolMax : 1);
  });

  it('counts a directory\'s SCIM requests by resource type, method and outcome, once each', async () => {
    const directory = await createDirectory(t.deps.ctx, testOperator, { kind: 'sso', name: 'metrics-idp' });
    const { token } = await createScimToken(t.deps.ctx, testOperator, { directory: directory.name });
    const client = new ScimClient(t.app, token, directory.id);
    const before = await scrape();
    expect(valueOf(before, 'idbridge_scim_requests_total', { directory: 'metrics-idp' })).toBe(0);

    const userName = 'scim.metrics.person@example.com';
    const created = await client.post('/Users', { schemas: [CORE_USER], userName, emails: [{ value: userName, primary: true }] });
    expect(created.status).toBe(201);
    const missing = await client.get('/Users/0b7f5b3c-5d41-4cf2-9f4c-3b1de0e4e0aa');
    expect(missing.status).toBe(404);
    personal.push(userName, created.body.id);

    const after = await scrape();
    expect(valueOf(after, 'idbridge_scim_requests_total', { directory: 'metrics-idp' })).toBe(2);
    expect(valueOf(after, 'idbridge_scim_requests_total', { directory: 'metrics-idp', resource_type: 'Users', method: 'POST', outcome: 'success' })).toBe(1);
    expect(valueOf(after, 'idbridge_scim_requests_total', { directory: 'metrics-idp', resource_type: 'Users', method: 'GET', outcome: 'client_error' })).toBe(1);
    // The HTTP metrics name SCIM routes by their whole pattern, not the path under the mount.
    const delta = (labels: Record<string, string>) => valueOf(after, 'idbridge_http_requests_total', labels) - valueOf(before, 'idbridge_http_requests_total', labels);
    expect(delta({ method: 'POST', route: '/scim/v2/Users', status: '201' })).toBe(1);
    expect(delta({ method: 'GET', route: '/scim/v2/Users/:id', status: '404' })).toBe(1);
  });

  it('counts sign-ins by method and outcome: a success, a wrong password, an unknown account', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    personal.push(user.email, user.id);
    const before = await scrape();
    expect((await signIn(t.agent(), user.email, user.password)).status).toBe(303);
    expect((await signIn(t.agent(), user.email, 'not the password at all')).status).toBe(401);
    expect((await signIn(t.agent(), 'nobody.metrics@example.com', 'not the password at all')).status).toBe(401);
    personal.push('nobody.metrics@example.com');
    const after = await scrape();
    const delta = (outcome: string) => valueOf(after, 'idbridge_sign_ins_total', { method: 'password', outcome }) - valueOf(before, 'idbridge_sign_ins_total', { method: 'password', outcome });
    expect([delta('success'), delta('wrong_password'), delta('unknown_user'), delta('locked')]).toEqual([1, 1, 1, 0]);
  });

  it('counts a lockout once, and the locked account\'s next attempt as locked', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    personal.push(user.email, user.id);
    const before = await scrape();
    for (let i = 0; i < 3; i++) await signIn(t.agent(), user.email, `wrong ${i}`);
    expect((await signIn(t.agent(), user.email, user.password)).status).toBe(401);
    const after = await scrape();
    expect(valueOf(after, 'idbridge_lockouts_total') - valueOf(before, 'idbridge_lockouts_total')).toBe(1);
    const delta = (outcome: string) => valueOf(after, 'idbridge_sign_ins_total', { outcome }) - valueOf(before, 'idbridge_sign_ins_total', { outcome });
    expect([delta('wrong_password'), delta('locked')]).toEqual([3, 1]);
  });

  it('shows the outbox\'s depth and the age of its oldest email, and counts sends', async () => {
    await t.deliver();
    const empty = await scrape();
    expect(valueOf(empty, 'idbridge_mail_outbox_pending')).toBe(0);
    expect(valueOf(empty, 'idbridge_mail_outbox_oldest_age_seconds')).toBe(0);
    const to = 'outbox.metrics@example.com';
    personal.push(to);
    for (let i = 0; i < 2; i++) {
      await t.deps.db.tx((tx) => enqueueMail(t.deps.ctx, tx, { to, template: 'account_locked', locale: 'en', data: { when: t.deps.clock.now().toISOString(), unlockMinutes: 30, link: 'http://localhost/password/forgot' } }));
      t.deps.clock.advance(45_000);
    }
    const queued = await scrape();
    expect(valueOf(queued, 'idbridge_mail_outbox_pending')).toBe(2);
    expect(valueOf(queued, 'idbridge_mail_outbox_oldest_age_seconds')).toBe(90);
    await t.deliver();
    const sent = await scrape();
    expect(valueOf(sent, 'idbridge_mail_outbox_pending')).toBe(0);
    expect(valueOf(sent, 'idbridge_mail_sent_total') - valueOf(queued, 'idbridge_mail_sent_total')).toBe(2);
  });

  it('never holds a userName, an email, an id or a raw path in a label', async () => {
    await request(t.app).get(`/api/admin/v1/users/${personal[1] as string}`);
    await request(t.app).get('/no/such/page/for/nobody.metrics@example.com');
    const samples = await scrape();
    expect(personal.length).toBeGreaterThanOrEqual(8);
    const values = [...new Set(samples.flatMap((s) => Object.values(s.labels)))];
    for (const value of values) {
      for (const item of personal) expect(value).not.toContain(item);
      expect(value).not.toMatch(/@|[0-9a-f]{8}-[0-9a-f]{4}-/i);
    }
    const routes = new Set(samples.map((s) => s.labels.route).filter((r): r is string => r !== undefined));
    expect(routes).toContain('unmatched');
    // Refused before any route matched (no credentials): named by its mount.
    expect(routes).toContain('/api/admin/v1/*');
    expect(routes).toContain('/scim/v2/Users/:id');
  });
});
