import { EVENT_TYPES } from '../../src/identity/events.js';
import { createOidcClient } from '../../src/identity/oidcClients.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createWebhook } from '../../src/identity/webhooks/subscriptions.js';
import { enrolTotp, GOOD_PASSWORD } from '../helpers/accounts.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { csrfOf, openTestApp, textOf, type Agent, signedInAgent, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';
import { verifyWebhook, WebhookReceiver, type ReceivedWebhook } from '../helpers/webhookReceiver.js';

const LIST = '/admin/webhooks';

/** A form body as a browser sends it: a repeated name for each checked box. */
function formBody(fields: Record<string, string | string[]>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const one of ([] as string[]).concat(value)) body.append(name, one);
  return body.toString();
}

/** The signing secret a page shows in its read-only box, if any. */
const secretIn = (page: string) => /<textarea id="f-newSecret"[^>]*>(whsec_[^<]+)<\/textarea>/.exec(page)?.[1];

/** What a user reads of a page (a comma or full stop after a link or code stays next to it). */
const read = (page: string) => textOf(page).replace(/ ([,.])/g, '$1');

/** The text of the error next to a field. */
const fieldError = (page: string, name: string) => read(new RegExp(`<p class="error" id="f-${name}-error">([\\s\\S]*?)</p>`).exec(page)?.[1] ?? '');

/** What the delivery log shows of each delivery: event type, event id, status, attempts, last response. */
function deliveryRows(page: string): Array<{ type: string; eventId: string; status: string; attempts: number; response: string; text: string }> {
  return [...page.matchAll(/<tr data-delivery="[^"]+">([\s\S]*?)<\/tr>/g)].map((row) => {
    const cells = [...(row[1] as string).matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => read(cell[1] as string));
    return { type: cells[0] ?? '', eventId: cells[1] ?? '', status: cells[2] ?? '', attempts: Number(cells[3]), response: cells[4] ?? '', text: cells.join(' | ') };
  });
}

/**
 * The console's webhook pages: what a platform administrator and an organization's administrator see and do, from the
 * list to the delivery log, with the secret shown once; and the back-channel logout field of portal applications.
 */
describe('admin console: webhooks', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let root: Agent;
  let acme: Agent;
  let rootLogin: { email: string; secret: string };
  let clientId = '';
  let globexHookId = '';

  const signedIn = (email: string, password: string, secret?: string) => signedInAgent(t, email, password, secret);

  /** GETs `page`, then POSTs `fields` to `action` with the page's CSRF token, as the browser would. */
  async function submit(agent: Agent, page: string, action: string, fields: Record<string, string | string[]> = {}) {
    const form = await agent.get(page);
    expect(form.status).toBe(200);
    return agent.post(action).type('form').send(formBody({ _csrf: csrfOf(form.text), ...fields }));
  }

  const create = (agent: Agent, fields: Record<string, string | string[]>) => submit(agent, `${LIST}/new`, LIST, { enabled: 'yes', description: '', ...fields });
  const listed = () => t.deps.services.webhooks.list(testOperator);
  const detailPath = (id: string) => `${LIST}/${id}`;
  /** The "Last delivery" cell of a webhook's row in the list. */
  const lastAttemptIn = (list: string, id: string) => new RegExp(`<a href="${detailPath(id)}">[\\s\\S]*?data-testid="last-attempt">([\\s\\S]*?)</td>`).exec(list)?.[1] ?? '';
  const idFromPage = (page: string) => /action="\/admin\/webhooks\/([\w-]+)\/rotate-secret"/.exec(page)?.[1] as string;
  /** Whether a request is signed with `secret`, as the portal checks it. */
  const verifies = (secret: string, request: ReceivedWebhook) => {
    try {
      verifyWebhook(secret, request, t.deps.clock);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    t = await openTestApp();
    receiver = await new WebhookReceiver().start();
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Globex', slug: 'globex' });
    clientId = (await createOidcClient(ctx, testOperator, { name: 'Customer portal', redirectUris: ['https://portal.example.com/cb'] })).clientId;
    globexHookId = (await createWebhook(ctx, testOperator, { organization: 'globex', url: `${receiver.url}/globex` })).id;
    const admin = await platformAdmin(ctx);
    rootLogin = { email: admin.email, secret: (await enrolTotp(ctx, admin.id)).secret };
    root = await signedIn(rootLogin.email, GOOD_PASSWORD, rootLogin.secret);
    const acmeAdmin = await organizationAdmin(ctx, t.mailbox, t.deliver, 'acme', 'full-access');
    acme = await signedIn(acmeAdmin.email, acmeAdmin.password);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  describe('the navigation', () => {
    it('shows Webhooks to a platform administrator and to an organization administrator', async () => {
      for (const agent of [root, acme]) {
        const page = await agent.get('/admin/users?status=all');
        expect(page.text).toMatch(/<a href="\/admin\/webhooks">Webhooks<\/a>/);
      }
      const list = await root.get(LIST);
      expect(list.status).toBe(200);
      expect(list.text).toContain('<a href="/admin/webhooks" aria-current="page">Webhooks</a>');
    });
  });

  describe('creating a webhook', () => {
    it('offers the portal applications and organizations the administrator sees, and every event type', async () => {
      const page = await root.get(`${LIST}/new`);
      expect(page.text).toContain(`<option value="client:${clientId}">Customer portal</option>`);
      expect(page.text).toContain('<option value="organization:acme">Acme</option>');
      expect(page.text).toContain('<option value="organization:globex">Globex</option>');
      for (const type of EVENT_TYPES) expect(page.text).toContain(`name="eventTypes" value="${type}"`);
      expect(read(page.text)).toContain('Leave every box unchecked to send all events');
    });

    it('shows the signing secret once, on the answer, and lists the webhook with its URL and types', async () => {
      const url = `${receiver.url}/portal`;
      const answer = await create(root, { target: `client:${clientId}`, url, description: 'Portal sync', eventTypes: ['user.created', 'user.deleted'] });
      expect(answer.status).toBe(200);
      const secret = secretIn(answer.text);
      expect(secret).toMatch(/^whsec_/);
      const text = read(answer.text);
      expect(text).toContain(`The webhook to ${url} has been added.`);
      expect(text).toContain('Copy it now: it is shown only once');
      const id = idFromPage(answer.text);

      const list = await root.get(LIST);
      const row = read(/<tr[^>]*><th scope="row"><a href="\/admin\/webhooks\/[^"]+"><code>[^<]*\/portal<\/code>[\s\S]*?<\/tr>/.exec(list.text)?.[0] ?? '');
      expect(row).toBe(`${url} Portal application: Customer portal user.created, user.deleted Enabled None yet Portal sync`);
      for (const later of [list, await root.get(detailPath(id)), await root.get(`${detailPath(id)}/edit`)]) {
        expect(later.status).toBe(200);
        expect(later.text).not.toContain(secret!);
        expect(later.text).not.toContain(secret!.slice(6, 20));
      }
      expect(read((await root.get(detailPath(id))).text)).toContain(`Signing secret …${secret!.slice(-4)}`);
    });

    it('sends every event type when no box is checked', async () => {
      const answer = await create(root, { target: 'organization:acme', url: `${receiver.url}/all` });
      expect(answer.status).toBe(200);
      expect(read(answer.text)).toContain('Events to send All events');
      const id = idFromPage(answer.text);
      expect((await t.deps.services.webhooks.get(testOperator, id)).eventTypes).toBe('all');
      await submit(root, `${detailPath(id)}/delete`, `${detailPath(id)}/delete`);
    });

    it.each([
      ['an http address off loopback', { url: 'http://hooks.example.com/events' }, 'url', 'Endpoint URL: must be https://; http:// is accepted only for localhost, 127.0.0.1 or [::1] outside production.'],
      ['an empty address', { url: '' }, 'url', 'Endpoint URL: give the address to POST events to, such as https://portal.example.com/idbridge/events.'],
      ['an unknown event type', { eventTypes: ['user.created', 'user.exploded'] }, 'eventTypes', `Events to send: "user.exploded" is not an event type; the types are ${EVENT_TYPES.join(', ')}`],
      ['no target', { target: '' }, 'target', 'Sent for: Give either the portal application (client) or the organization whose webhook it is.'],
    ])('refuses %s next to its field, keeps what was typed and creates nothing', async (_case, fields, name, message) => {
      const before = (await listed()).length;
      const sent = { target: 'organization:acme', url: 'https://hooks.acme.example/idbridge', description: 'Kept as typed', eventTypes: ['user.created'], ...fields };
      const refused = await create(root, sent);
      expect(refused.status).toBe(400);
      expect(fieldError(refused.text, name)).toBe(message);
      expect(refused.text).toContain('role="alert"');
      expect(refused.text).toContain('value="Kept as typed"');
      expect(refused.text).toContain(`value="${sent.url}"`);
      expect(secretIn(refused.text)).toBeUndefined();
      expect(await listed()).toHaveLength(before);
    });
  });

  describe("a webhook's page", () => {
    let id = '';
    const url = () => `${receiver.url}/acme-v1`;

    beforeAll(async () => {
      id = idFromPage((await create(root, { target: 'organization:acme', url: url(), eventTypes: ['user.created'] })).text);
    });

    it('edits the address, the event types and whether it is enabled', async () => {
      const changed = await submit(root, `${detailPath(id)}/edit`, `${detailPath(id)}/edit`, { url: `${receiver.url}/acme-v2`, description: 'Second version', eventTypes: ['membership.added', 'membership.removed'] });
      expect(changed.status).toBe(303);
      expect(changed.headers.location).toBe(detailPath(id));
      const text = read((await root.get(detailPath(id))).text);
      expect(text).toContain(`The webhook to ${receiver.url}/acme-v2 has been saved.`);
      expect(text).toContain(`Endpoint URL ${receiver.url}/acme-v2`);
      expect(text).toContain('Events to send membership.added, membership.removed');
      expect(text).toContain('State Disabled');
      expect(text).toContain('Disabled: no events are sent.');
      expect(read((await root.get(LIST)).text)).toContain(`${receiver.url}/acme-v2 Organization: Acme membership.added, membership.removed Disabled None yet Second version`);

      const enabled = await submit(root, `${detailPath(id)}/edit`, `${detailPath(id)}/edit`, { url: `${receiver.url}/acme-v2`, description: 'Second version', enabled: 'yes' });
      expect(enabled.status).toBe(303);
      expect(await t.deps.services.webhooks.get(testOperator, id)).toMatchObject({ enabled: true, state: 'active', eventTypes: 'all', description: 'Second version' });
    });

    it('refuses a bad address on the edit form and changes nothing', async () => {
      const refused = await submit(root, `${detailPath(id)}/edit`, `${detailPath(id)}/edit`, { url: 'ftp://hooks.acme.example/x', description: 'Never saved', enabled: 'yes' });
      expect(refused.status).toBe(400);
      expect(fieldError(refused.text, 'url')).toBe('Endpoint URL: must be https:// (not ftp:).');
      expect(refused.text).toContain('value="ftp://hooks.acme.example/x"');
      expect(await t.deps.services.webhooks.get(testOperator, id)).toMatchObject({ url: `${receiver.url}/acme-v2`, description: 'Second version' });
    });

    it('rotates the secret: the new one is shown once, and the old one signs until the grace period ends', async () => {
      const page = await root.get(detailPath(id));
      expect(read(page.text)).toContain('The current one keeps signing beside it for 24 hours');
      const rotated = await submit(root, detailPath(id), `${detailPath(id)}/rotate-secret`);
      expect(rotated.status).toBe(200);
      const secret = secretIn(rotated.text);
      expect(secret).toMatch(/^whsec_/);
      const until = new Date(t.deps.clock.now().getTime() + 24 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
      const text = read(rotated.text);
      expect(text).toContain('The signing secret has been rotated.');
      expect(text).toContain(`The previous secret keeps signing beside the new one until ${until}.`);
      const later = await root.get(detailPath(id));
      expect(later.text).not.toContain(secret!);
      expect(read(later.text)).toContain(`Signing secret …${secret!.slice(-4)} The previous secret keeps signing beside the new one until ${until}`);
    });

    it('deletes it after a confirmation page', async () => {
      const confirm = await root.get(`${detailPath(id)}/delete`);
      expect(read(confirm.text)).toContain(`Delete the webhook to ${receiver.url}/acme-v2 (Organization: Acme)? No more events are sent to it`);
      const deleted = await submit(root, `${detailPath(id)}/delete`, `${detailPath(id)}/delete`);
      expect(deleted.status).toBe(303);
      expect(deleted.headers.location).toBe(LIST);
      const list = await root.get(LIST);
      expect(read(list.text)).toContain(`The webhook to ${receiver.url}/acme-v2 has been deleted.`);
      expect(list.text).not.toContain('/acme-v2</code>');
      expect((await root.get(detailPath(id))).status).toBe(404);
    });
  });

  describe('the delivery log', () => {
    let id = '';
    let secret = '';

    beforeAll(async () => {
      const answer = await create(root, { target: `client:${clientId}`, url: `${receiver.url}/log`, eventTypes: ['user.created'] });
      id = idFromPage(answer.text);
      secret = secretIn(answer.text) as string;
    });

    it('shows each delivery with its event, status, attempts and the last response', async () => {
      expect(read((await root.get(detailPath(id))).text)).toContain('No deliveries yet.');
      const user = await aUser(t.deps.ctx, { memberships: [{ organization: 'acme', role: 'standard-user' }] });
      await t.deps.webhooks.drain();
      const request = receiver.received.find((r) => r.payload.type === 'user.created' && r.payload.data.userId === user.id && r.headers['webhook-signature'] && verifies(secret, r));
      expect(request).toBeDefined();

      const [row, ...others] = deliveryRows((await root.get(detailPath(id))).text);
      expect(others).toEqual([]);
      expect(row).toMatchObject({ type: 'user.created', eventId: request!.payload.id, status: 'Delivered', attempts: 1, response: '200' });
      expect(row!.text).toMatch(/\| \d+ ms \| ok \| \d{4}-\d\d-\d\d \d\d:\d\d \| — \|/);
    });

    it('sends a delivery again: it is queued with its attempts reset, then delivered again', async () => {
      const page = await root.get(detailPath(id));
      const action = /action="(\/admin\/webhooks\/[^"]+\/send-again)"/.exec(page.text)?.[1] as string;
      const before = receiver.received.length;
      const again = await root.post(action).type('form').send({ _csrf: csrfOf(page.text) });
      expect(again.status).toBe(303);
      expect(again.headers.location).toBe(detailPath(id));
      const queued = await root.get(detailPath(id));
      const [row] = deliveryRows(queued.text);
      expect(read(queued.text)).toContain(`The user.created event ${row!.eventId} is queued to be sent again.`);
      expect(row).toMatchObject({ status: 'Queued', attempts: 0 });
      expect(row!.text).toMatch(/\| \d{4}-\d\d-\d\d \d\d:\d\d \| \d{4}-\d\d-\d\d \d\d:\d\d \| Send again/);

      await t.deps.webhooks.drain();
      expect(receiver.received.length).toBe(before + 1);
      expect(deliveryRows((await root.get(detailPath(id))).text)[0]).toMatchObject({ status: 'Delivered', attempts: 1 });
    });

    it('pages through older deliveries, and filters by status', async () => {
      for (let i = 0; i < 26; i++) await aUser(t.deps.ctx, { memberships: [{ organization: 'globex', role: 'standard-user' }] });
      await t.deps.webhooks.drain();
      const first = await root.get(detailPath(id));
      expect(deliveryRows(first.text)).toHaveLength(25);
      const older = /<a href="([^"]+)">Older deliveries<\/a>/.exec(first.text)?.[1]?.replace(/&amp;/g, '&') as string;
      expect(older).toMatch(new RegExp(`^${detailPath(id)}\\?before=\\d+$`));
      const second = await root.get(older);
      expect(deliveryRows(second.text)).toHaveLength(2);
      expect(second.text).toContain(`<a href="${detailPath(id)}">Latest deliveries</a>`);
      expect(second.text).not.toContain('Older deliveries');
      const shown = [...deliveryRows(first.text), ...deliveryRows(second.text)].map((r) => r.eventId);
      expect(new Set(shown).size).toBe(27);
      expect(deliveryRows((await root.get(`${detailPath(id)}?status=failed`)).text)).toEqual([]);
      expect(deliveryRows((await root.get(`${detailPath(id)}?status=delivered`)).text)).toHaveLength(25);
    });
  });

  describe("an organization's administrator", () => {
    it("sees and manages its organization's webhooks only; another's is not found", async () => {
      const answer = await create(acme, { target: 'organization:acme', url: `${receiver.url}/acme-own`, eventTypes: ['user.deleted'] });
      expect(answer.status).toBe(200);
      expect(secretIn(answer.text)).toMatch(/^whsec_/);
      const own = idFromPage(answer.text);

      const list = await acme.get(LIST);
      expect(list.text).toContain(`href="${detailPath(own)}"`);
      expect(list.text).not.toContain(`href="${detailPath(globexHookId)}"`);
      expect(list.text).not.toContain('/globex</code>');
      expect(list.text).not.toContain('Portal application:');

      const form = await acme.get(`${LIST}/new`);
      expect(form.text).toContain('<option value="organization:acme" selected>Acme</option>');
      expect(form.text).not.toContain('organization:globex');
      expect(form.text).not.toContain('client:');

      const notFound = await acme.get(detailPath(globexHookId));
      expect(notFound.status).toBe(404);
      expect(read(notFound.text)).toContain('Not found');
      expect(notFound.text).not.toContain('/globex');
      const csrf = csrfOf(list.text);
      for (const action of ['edit', 'delete', 'rotate-secret']) {
        expect((await acme.post(`${detailPath(globexHookId)}/${action}`).type('form').send(formBody({ _csrf: csrf, url: 'https://evil.example/steal' }))).status).toBe(404);
      }
      expect((await acme.get(`${detailPath(globexHookId)}/edit`)).status).toBe(404);
      expect((await acme.post(`${detailPath(globexHookId)}/deliveries/any/send-again`).type('form').send({ _csrf: csrf })).status).toBe(404);
      const forged = await acme.post(LIST).type('form').send(formBody({ _csrf: csrf, target: 'organization:globex', url: 'https://evil.example/hook', enabled: 'yes' }));
      expect(forged.status).toBe(404);
      expect(await t.deps.services.webhooks.get(testOperator, globexHookId)).toMatchObject({ url: `${receiver.url}/globex` });
      expect((await listed()).filter((w) => w.url === 'https://evil.example/hook')).toEqual([]);
    });
  });

  describe('a failing webhook', () => {
    it('stands out in the list and on its page, until a delivery sent again succeeds', async () => {
      const failing = await new WebhookReceiver().start();
      try {
        const id = idFromPage((await create(root, { target: 'organization:globex', url: failing.url, eventTypes: ['user.created'] })).text);
        expect(read(lastAttemptIn((await root.get(LIST)).text, id))).toBe('None yet');
        failing.failNext(1000);
        await aUser(t.deps.ctx, { memberships: [{ organization: 'globex', role: 'standard-user' }] });
        await t.deps.webhooks.drain();
        // The retries run out after webhooks.retryWindowHours (24).
        t.deps.clock.advance(25 * 3_600_000);
        await t.deps.webhooks.drain();
        root = await signedIn(rootLogin.email, GOOD_PASSWORD, rootLogin.secret);

        const list = await root.get(LIST);
        expect(list.text).toMatch(new RegExp(`<tr class="flagged"><th scope="row"><a href="${detailPath(id)}">`));
        expect(read(list.text)).toContain('Webhooks with failed deliveries: 1');
        expect(read(/<tr class="flagged">[\s\S]*?<\/tr>/.exec(list.text)?.[0] ?? '')).toMatch(/Enabled Failing A delivery was given up on \d{4}-\d\d-\d\d \d\d:\d\d/);
        // How the last attempt went, without opening the webhook.
        expect(read(lastAttemptIn(list.text, id))).toMatch(/^503 \d{4}-\d\d-\d\d \d\d:\d\d the receiver answered 503$/);
        const page = await root.get(detailPath(id));
        expect(read(page.text)).toContain('Deliveries to this endpoint are failing');
        const [row] = deliveryRows(page.text);
        expect(row).toMatchObject({ type: 'user.created', status: 'Failed', attempts: 2, response: '503' });
        expect(row!.text).toContain('unavailable: ok');

        failing.failNext(0);
        const action = /action="(\/admin\/webhooks\/[^"]+\/send-again)"/.exec(page.text)?.[1] as string;
        expect((await root.post(action).type('form').send({ _csrf: csrfOf(page.text) })).status).toBe(303);
        expect(deliveryRows((await root.get(detailPath(id))).text)[0]).toMatchObject({ status: 'Queued', attempts: 0 });
        await t.deps.webhooks.drain();
        expect(deliveryRows((await root.get(detailPath(id))).text)[0]).toMatchObject({ status: 'Delivered', attempts: 1, response: '200' });
        const after = await root.get(LIST);
        expect(after.text).not.toContain('class="flagged"');
        expect(read(lastAttemptIn(after.text, id))).toMatch(/^200 \d{4}-\d\d-\d\d \d\d:\d\d$/);
        expect(read(after.text)).not.toContain('failed deliveries');
      } finally {
        await failing.stop();
      }
    });
  });

  describe('portal applications: back-channel logout', () => {
    const clients = '/admin/oidc-clients';
    const register = (fields: Record<string, string>) => submit(root, clients, clients, { name: 'Billing portal', redirectUris: 'https://billing.example.com/cb', postLogoutRedirectUris: '', ...fields });

    it('registers an application with a back-channel logout URI, shows it in the list, and changes it', async () => {
      const answer = await register({ backchannelLogoutUri: 'https://billing.example.com/backchannel-logout', backchannelLogoutSessionRequired: 'yes' });
      expect(answer.status).toBe(200);
      expect(read(answer.text)).toContain('The portal application Billing portal has been registered.');
      const created = (await t.deps.services.oidcClients.list(testOperator)).find((c) => c.name === 'Billing portal')!;
      expect(created).toMatchObject({ backchannelLogoutUri: 'https://billing.example.com/backchannel-logout', backchannelLogoutSessionRequired: true });
      const row = () => root.get(clients).then((page) => read(/<tr><th scope="row">Billing portal<\/th>[\s\S]*?<\/tr>/.exec(page.text)?.[0] ?? ''));
      expect(await row()).toContain('https://billing.example.com/backchannel-logout Session required (the logout token names the session: sid)');
      expect(await row()).not.toMatch(/Customer portal/);

      const form = `${clients}/${created.clientId}/backchannel-logout`;
      const changed = await submit(root, clients, form, { backchannelLogoutUri: 'https://billing.example.com/bc2' });
      expect(changed.status).toBe(303);
      expect(await row()).toMatch(/^Billing portal .* https:\/\/billing\.example\.com\/bc2 Change/);
      expect((await t.deps.services.oidcClients.get(testOperator, created.clientId)).backchannelLogoutSessionRequired).toBe(false);
      await submit(root, clients, form, { backchannelLogoutUri: '' });
      expect((await t.deps.services.oidcClients.get(testOperator, created.clientId)).backchannelLogoutUri).toBeNull();
      expect(await row()).toMatch(/None Change/);
    });

    it('refuses an invalid back-channel logout URI with the reason, and registers nothing', async () => {
      const before = (await t.deps.services.oidcClients.list(testOperator)).length;
      const refused = await register({ name: 'Insecure portal', backchannelLogoutUri: 'http://insecure.example.com/logout' });
      expect(refused.status).toBe(303);
      const page = await root.get(refused.headers.location as string);
      expect(/<div class="error-summary" role="alert" data-testid="flash">([^<]+)<\/div>/.exec(page.text)?.[1]).toBe('backchannelLogoutUri: must be https (http only for localhost outside production).');
      expect(await t.deps.services.oidcClients.list(testOperator)).toHaveLength(before);
      expect(page.text).not.toContain('Insecure portal');
    });
  });
});
