import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { lockAccount } from '../../src/identity/accounts/status.js';
import { hasConfirmedTotp } from '../../src/identity/credentials/totp.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { signInWithPassword } from '../../src/identity/selfService/signIn.js';
import { enrolTotp, GOOD_PASSWORD } from '../helpers/accounts.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { csrfOf, openTestApp, textOf, signedInAgent, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';

/**
 * The user list of the admin API and the console: a search over every status, the Locked choice, the actions of each
 * row (without script: links to the confirmation pages and forms with the CSRF token) and the user page's previous
 * and next within the list.
 */
describe('the user list (HTTP)', () => {
  let t: TestApp;
  let root: Awaited<ReturnType<typeof platformAdmin>> & { secret: string };
  let acmeAdmin: Awaited<ReturnType<typeof organizationAdmin>>;
  const id: Record<string, string> = {};

  /** A user of the list (all their addresses end in list-http.test), active unless `provisioned`. */
  async function person(givenName: string, familyName: string, organizations: string[], options: { provisioned?: boolean } = {}): Promise<string> {
    const email = `${givenName}.${familyName}@list-http.test`.toLowerCase();
    const user = await createAccount(t.deps.ctx, testOperator, {
      directory: 'local',
      attributes: { userName: email, name: { givenName, familyName }, emails: [{ value: email, primary: true }] },
      memberships: organizations.map((organization) => ({ organization, role: 'standard-user' })),
      ...(options.provisioned ? {} : { password: GOOD_PASSWORD }),
    });
    id[givenName] = user.id;
    return user.id;
  }

  const signedIn = (email: string, password: string, secret?: string) => signedInAgent(t, email, password, secret);

  const api = (token: string, path: string) => t.agent().get(`/api/admin/v1${path}`).set('Authorization', `Bearer ${token}`);
  const userNames = (body: { users: Array<{ userName: string }> }) => body.users.map((u) => u.userName);
  const decode = (text: string) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  /** The row menus that name this user (one per organization group the user is shown in). */
  function menusOf(page: string, name: string): string[] {
    return (page.match(/<details class="row-actions">[\s\S]*?<\/details>/g) ?? []).filter((menu) => menu.includes(`(${name})`));
  }

  /** The address of a menu's link or form whose visible label is `label`, or undefined. */
  function target(menu: string, label: string): string | undefined {
    const link = new RegExp(`<a href="([^"]+)"[^>]*>${escapeRegExp(label)}<span`).exec(menu)?.[1];
    const form = new RegExp(`<form method="post" action="([^"]+)"[^>]*>\\s*<input type="hidden" name="_csrf" value="[^"]+">\\s*<button[^>]*>${escapeRegExp(label)}<span`).exec(menu)?.[1];
    const found = link ?? form;
    return found === undefined ? undefined : decode(found);
  }

  /** The visible labels of a menu, in order. */
  function labels(menu: string): string[] {
    return [...menu.matchAll(/<(?:a|button)[^>]*>([^<]+)<span class="visually-hidden">/g)].map((m) => m[1] as string);
  }

  const flashOf = (page: string) => textOf(/data-testid="flash">([\s\S]*?)<\/div>/.exec(page)?.[1] ?? '');

  beforeAll(async () => {
    t = await openTestApp({ lockout: { threshold: 3 } });
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Globex', slug: 'globex' });
    const admin = await platformAdmin(ctx);
    root = { ...admin, secret: (await enrolTotp(ctx, admin.id)).secret };
    acmeAdmin = await organizationAdmin(ctx, t.mailbox, t.deliver, 'acme', 'full-access');
    await person('Nora', 'Quinn', ['acme'], { provisioned: true });
    await person('Omar', 'Reyes', ['acme']);
    await person('Paula', 'Soto', ['acme']);
    await person('Rita', 'Tanaka', ['acme', 'globex']);
    await person('Vera', 'Ulm', ['acme']);
    await lockAccount(ctx, testOperator, id.Paula as string);
    for (let i = 0; i < 3; i++) await signInWithPassword(ctx, { identifier: 'vera.ulm@list-http.test', password: `wrong ${i}` });
  });
  afterAll(() => t.close());

  describe('GET /api/admin/v1/users: status', () => {
    it('searches every status when no status is chosen, shows it, and lists only ACTIVE users without a search', async () => {
      const found = await api(root.token, '/users?search=QUINN');
      expect(found.body.users.map((u: { userName: string; status: string }) => [u.userName, u.status])).toEqual([['nora.quinn@list-http.test', 'PROVISIONED']]);
      expect(userNames((await api(root.token, '/users?search=quinn&status=ACTIVE')).body)).toEqual([]);
      expect((await api(root.token, '/users?search=list-http')).body.total).toBe(5);
      const plain = await api(root.token, '/users');
      expect(plain.body.users.length).toBeGreaterThan(0);
      expect(plain.body.users.every((u: { status: string }) => u.status === 'ACTIVE')).toBe(true);
      // The CSV export reads the same query.
      expect((await api(root.token, '/users.csv?search=quinn')).text).toContain('nora.quinn@list-http.test');
    });

    it('takes LOCKED (any case) for both locked statuses, with other statuses too', async () => {
      const locked = await api(root.token, '/users?status=locked');
      expect(locked.body.users.map((u: { userName: string; status: string }) => [u.userName, u.status])).toEqual([
        ['paula.soto@list-http.test', 'LOCKED_BY_ADMIN'],
        ['vera.ulm@list-http.test', 'AUTO_LOCKED'],
      ]);
      expect(userNames((await api(root.token, '/users?status=LOCKED,PROVISIONED&search=list-http')).body)).toEqual(['nora.quinn@list-http.test', 'paula.soto@list-http.test', 'vera.ulm@list-http.test']);
      expect(userNames((await api(root.token, '/users?status=AUTO_LOCKED')).body)).toEqual(['vera.ulm@list-http.test']);
      const unknown = await api(root.token, '/users?status=sleeping');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toMatchObject({ code: 'user.status_unknown', field: 'status' });
      expect(unknown.body.error.message).toContain('LOCKED (both locked statuses)');
    });

    it('says so in the OpenAPI document', async () => {
      const document = await api(root.token, '/openapi.json');
      const list = document.body.paths['/users'].get.parameters.find((p: { name: string }) => p.name === 'status');
      expect(list.description).toContain('LOCKED for both AUTO_LOCKED and LOCKED_BY_ADMIN');
      expect(list.description).toContain('every status with one');
    });
  });

  describe('the console list', () => {
    it('finds a provisioned user by name, with its status, the status choice left open', async () => {
      const agent = await signedIn(root.email, GOOD_PASSWORD, root.secret);
      const page = await agent.get('/admin/users?search=quinn');
      expect(page.text).toContain('<option value="" selected>Active (every status in a search)</option>');
      expect(textOf(page.text)).toMatch(/nora\.quinn ?@list-http\.test Provisioned/);
      const locked = await agent.get('/admin/users?status=LOCKED');
      expect(locked.text).toContain('<option value="LOCKED" selected>Locked (auto-locked or by admin)</option>');
      expect(textOf(locked.text)).toMatch(/paula\.soto ?@list-http\.test Locked by admin/);
      expect(textOf(locked.text)).toMatch(/vera\.ulm ?@list-http\.test Auto-locked/);
    });

    it('gives each row the actions the policy allows this administrator, each naming the user', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = (await agent.get('/admin/users?search=list-http')).text;
      const [omar] = menusOf(page, 'Omar Reyes');
      expect(labels(omar as string)).toEqual(['View', 'Edit', 'Lock', 'Remove from Acme', 'Delete user']);
      expect(omar).toContain('<summary title="Actions"><span aria-hidden="true">⋯</span><span class="visually-hidden">Actions (Omar Reyes)</span></summary>');
      expect(target(omar as string, 'Lock')).toBe(`/admin/users/${id.Omar}/actions/lock?search=list-http&return=list`);
      expect(omar).toMatch(/<input type="hidden" name="_csrf" value="[^"]+">/);
      expect(labels(menusOf(page, 'Nora Quinn')[0] as string)).toEqual(['View', 'Edit', 'Resend activation email', 'Lock', 'Remove from Acme', 'Delete user']);
      expect(labels(menusOf(page, 'Paula Soto')[0] as string)).toContain('Unlock');
      expect(labels(menusOf(page, 'Vera Ulm')[0] as string)).toEqual(expect.arrayContaining(['Lock', 'Unlock']));
      // Rita also belongs to Globex, which this administrator does not manage: shown under Acme only, removable from
      // Acme but not deleted from the platform.
      const rita = menusOf(page, 'Rita Tanaka');
      expect(rita).toHaveLength(1);
      expect(labels(rita[0] as string)).toEqual(['View', 'Edit', 'Lock', 'Remove from Acme']);

      const rootAgent = await signedIn(root.email, GOOD_PASSWORD, root.secret);
      const rootPage = (await rootAgent.get('/admin/users?search=list-http')).text;
      expect(menusOf(rootPage, 'Rita Tanaka').map(labels)).toEqual([
        ['View', 'Edit', 'Lock', 'Remove from Acme', 'Delete user'],
        ['View', 'Edit', 'Lock', 'Remove from Globex', 'Delete user'],
      ]);
    });

    it('locks from a row and comes back to the list as it was, with the message', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get('/admin/users?search=list-http&sort=givenName');
      const lock = target(menusOf(page.text, 'Omar Reyes')[0] as string, 'Lock') as string;
      expect(lock).toBe(`/admin/users/${id.Omar}/actions/lock?search=list-http&sort=givenName&return=list`);
      const locked = await agent.post(lock).type('form').send({ _csrf: csrfOf(page.text) });
      expect(locked.status).toBe(303);
      expect(locked.headers.location).toBe('/admin/users?search=list-http&sort=givenName');
      expect((await getAccount(t.deps.ctx, testOperator, id.Omar as string)).status).toBe('LOCKED_BY_ADMIN');
      const list = await agent.get(locked.headers.location as string);
      expect(flashOf(list.text)).toBe('Omar Reyes is locked.');
      expect(textOf(list.text)).toMatch(/omar\.reyes ?@list-http\.test Locked by admin/);

      const unlock = target(menusOf(list.text, 'Omar Reyes')[0] as string, 'Unlock') as string;
      const unlocked = await agent.post(unlock).type('form').send({ _csrf: csrfOf(list.text) });
      expect(unlocked.headers.location).toBe('/admin/users?search=list-http&sort=givenName');
      expect((await getAccount(t.deps.ctx, testOperator, id.Omar as string)).status).toBe('ACTIVE');
    });

    it('resets MFA from a row after the confirmation of the user page, and comes back to the list', async () => {
      await enrolTotp(t.deps.ctx, id.Omar as string);
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get('/admin/users?search=omar');
      const link = target(menusOf(page.text, 'Omar Reyes')[0] as string, 'Reset MFA') as string;
      expect(link).toBe(`/admin/users/${id.Omar}/confirm/reset_mfa?search=omar&return=list`);
      const confirm = await agent.get(link);
      expect(textOf(confirm.text)).toContain('Reset the two-step verification of Omar Reyes?');
      expect(decode(confirm.text)).toContain(`action="/admin/users/${id.Omar}/actions/reset_mfa?search=omar&return=list"`);
      expect(decode(confirm.text)).toContain('<a href="/admin/users?search=omar">Cancel</a>');
      // Without the confirmation the action asks again, keeping the way back.
      const unconfirmed = await agent.post(`/admin/users/${id.Omar}/actions/reset_mfa?search=omar&return=list`).type('form').send({ _csrf: csrfOf(confirm.text) });
      expect(unconfirmed.headers.location).toBe(`/admin/users/${id.Omar}/confirm/reset_mfa?search=omar&return=list`);
      expect(await hasConfirmedTotp(t.deps.ctx, id.Omar as string)).toBe(true);
      const done = await agent.post(`/admin/users/${id.Omar}/actions/reset_mfa?search=omar&return=list`).type('form').send({ _csrf: csrfOf(confirm.text), confirmed: 'yes' });
      expect(done.headers.location).toBe('/admin/users?search=omar');
      expect(flashOf((await agent.get('/admin/users?search=omar')).text)).toBe('The two-step verification of Omar Reyes has been reset.');
      expect(await hasConfirmedTotp(t.deps.ctx, id.Omar as string)).toBe(false);
    });

    it('removes from the row\'s organization and deletes from the platform through their confirmation pages, back to the list', async () => {
      const agent = await signedIn(root.email, GOOD_PASSWORD, root.secret);
      const page = await agent.get('/admin/users?search=tanaka&status=all');
      const [, inGlobex] = menusOf(page.text, 'Rita Tanaka');
      const remove = target(inGlobex as string, 'Remove from Globex') as string;
      expect(remove).toBe(`/admin/users/${id.Rita}/memberships/globex/remove?search=tanaka&status=all&return=list`);
      const confirm = await agent.get(remove);
      expect(textOf(confirm.text)).toContain('Remove Rita Tanaka from Globex?');
      const removed = await agent.post(remove).type('form').send({ _csrf: csrfOf(confirm.text) });
      expect(removed.headers.location).toBe('/admin/users?search=tanaka&status=all');
      expect((await getAccount(t.deps.ctx, testOperator, id.Rita as string)).memberships.map((m) => m.organization.slug)).toEqual(['acme']);

      const zed = await person('Zed', 'Xu', ['acme']);
      const list = await agent.get('/admin/users?search=xu');
      const deletion = target(menusOf(list.text, 'Zed Xu')[0] as string, 'Delete user') as string;
      expect(deletion).toBe(`/admin/users/${zed}/delete?search=xu&return=list`);
      const typed = await agent.get(deletion);
      const deleted = await agent.post(deletion).type('form').send({ _csrf: csrfOf(typed.text), confirm: 'zed.xu@list-http.test' });
      expect(deleted.headers.location).toBe('/admin/users?search=xu');
      expect(flashOf((await agent.get('/admin/users?search=xu')).text)).toBe('Zed Xu has been deleted.');
    });

    it('never sends the administrator elsewhere: the way back is rebuilt from the list state', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get('/admin/users');
      const odd = await agent.post(`/admin/users/${id.Omar}/actions/lock?return=https://evil.example/&search=a%22b&sort=shoeSize`).type('form').send({ _csrf: csrfOf(page.text) });
      expect(odd.headers.location).toBe(`/admin/users/${id.Omar}?search=a%22b`);
      const back = await agent.post(`/admin/users/${id.Omar}/actions/unlock?return=list&search=//evil.example`).type('form').send({ _csrf: csrfOf(page.text) });
      expect(back.headers.location).toBe('/admin/users?search=%2F%2Fevil.example');
      expect((await getAccount(t.deps.ctx, testOperator, id.Omar as string)).status).toBe('ACTIVE');
    });
  });

  describe('the user page: previous and next', () => {
    const state = 'search=list-http&status=all&sort=givenName';

    it('is linked from the list with its state, and shows the place, previous, next and the way back', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const list = await agent.get(`/admin/users?${state}`);
      expect(decode(list.text)).toContain(`<a href="/admin/users/${id.Omar}?${state}" class="user-link">`);
      const page = await agent.get(`/admin/users/${id.Omar}?${state}`);
      const nav = decode(/<nav class="user-nav"[\s\S]*?<\/nav>/.exec(page.text)?.[0] ?? '');
      // By first name: Nora, Omar, Paula, Rita, Vera.
      expect(textOf(nav)).toBe('← Back to the user list User 2 of 5 in the list ← Previous: Nora Quinn Next: Paula Soto →');
      expect(nav).toContain(`<a href="/admin/users?${state}" class="back">`);
      expect(nav).toContain(`<a href="/admin/users/${id.Nora}?${state}" rel="prev" class="previous">`);
      expect(nav).toContain(`<a href="/admin/users/${id.Paula}?${state}" rel="next" class="next">`);
      const last = await agent.get(`/admin/users/${id.Vera}?${state}`);
      expect(textOf(last.text)).toContain('User 5 of 5 in the list ← Previous: Rita Tanaka');
      expect(last.text).not.toContain('rel="next"');
    });

    it('goes back to the page of the list that shows the user, whatever page the address said', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get(`/admin/users/${id.Omar}?${state}&page=7`);
      expect(decode(page.text)).toContain(`<a href="/admin/users?${state}" class="back">`);
    });

    it('keeps the list when an action of the user page comes back to it', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get(`/admin/users/${id.Paula}?${state}`);
      expect(decode(page.text)).toContain(`action="/admin/users/${id.Paula}/actions/unlock?${state}"`);
      const unlocked = await agent.post(`/admin/users/${id.Paula}/actions/unlock?${state}`).type('form').send({ _csrf: csrfOf(page.text) });
      expect(unlocked.headers.location).toBe(`/admin/users/${id.Paula}?${state}`);
      const after = await agent.get(unlocked.headers.location as string);
      expect(flashOf(after.text)).toBe('Paula Soto is unlocked.');
      expect(textOf(after.text)).toContain('User 3 of 5 in the list');
    });

    it('still offers the way back when the address holds no list (a one-character search)', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get(`/admin/users/${id.Omar}?search=q`);
      expect(page.status).toBe(200);
      expect(decode(page.text)).toContain('<a href="/admin/users?search=q" class="back">');
      expect(page.text).not.toContain('rel="next"');
    });

    it('never names a user the administrator does not see', async () => {
      const globexOnly = await person('Yara', 'Vance', ['globex']);
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get(`/admin/users/${id.Vera}?search=list-http&status=all&sort=givenName`);
      expect(page.text).not.toContain(globexOnly);
      expect(textOf(page.text)).not.toContain('Yara');
      expect((await agent.get(`/admin/users/${globexOnly}?${state}`)).status).toBe(404);
    });
  });
});
