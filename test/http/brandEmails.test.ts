import { crc32, deflateSync } from 'node:zlib';
import request from 'supertest';
import { createAccount } from '../../src/identity/accounts/create.js';
import { addMemberByEmail } from '../../src/identity/accounts/addMember.js';
import { resetMfa, sendPasswordReset } from '../../src/identity/accounts/credentials.js';
import { grantMembership, removeMembership } from '../../src/identity/accounts/memberships.js';
import { deactivateAccount } from '../../src/identity/accounts/status.js';
import { setBrand, setBrandLogo } from '../../src/identity/branding/brands.js';
import { sendExpiryReminders } from '../../src/identity/credentials/expiryReminders.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { selfPrincipal } from '../../src/identity/principal.js';
import { completePasswordReset, requestPasswordReset } from '../../src/identity/selfService/passwordReset.js';
import { startTotpEnrolment } from '../../src/identity/selfService/enrolment.js';
import { signInWithPassword } from '../../src/identity/selfService/signIn.js';
import { enqueueMail } from '../../src/mail/outbox.js';
import { DAY } from '../../src/lib/clock.js';
import { activeLocalUser, enrolTotp, OTHER_PASSWORD, totpCode } from '../helpers/accounts.js';
import { csrfOf, openTestApp, textOf, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';
import type { CapturedMail } from '../helpers/smtp.js';

/** A real PNG of the given size (an RGB image of one colour): what an organization uploads as its logo. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x33)]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))), chunk('IEND', Buffer.alloc(0))]);
}

const RIVER = { displayName: 'River Water', productName: 'River Online', senderName: 'River Water Customer Care', authenticatorName: 'River Water', primaryColor: '#00607a' };
const RIVER_SUPPORT = { text: 'River Water service desk', email: 'help@river.example', phone: '+1 555 010 0199', url: 'https://help.river.example/' };
const LAKE = { displayName: 'Lake Energy', productName: 'Lake Connect', senderName: "Lake Énergie, d'Eau & Co", authenticatorName: 'Lake Energy', primaryColor: '#7a1f5c' };
const LAKE_SUPPORT = { email: 'care@lake.example' };
const PLATFORM_ADDRESS = 'no-reply@idbridge.local';

interface Expected {
  name: string;
  product: string;
  color: string;
  sender: string;
  support?: string;
  logo?: RegExp;
}

/** What the reader of an email of this brand sees: names, colour, logo, support contact, signature, sender. */
function expectBrand(mail: CapturedMail, brand: Expected, locale: 'en' | 'es' = 'en'): void {
  const sentBy = locale === 'es' ? `Enviado en nombre de ${brand.name} por ${brand.product}.` : `Sent on behalf of ${brand.name} by ${brand.product}.`;
  expect(mail.text).toContain(sentBy);
  expect(mail.html).toContain(sentBy);
  expect(mail.html).toContain(`<html lang="${locale}">`);
  expect(`${mail.subject}\n${mail.text}\n${mail.html}`).not.toMatch(/idbridge|Customer Portal/);
  expect(mail.html).toContain(`border-top:4px solid ${brand.color}`);
  if (/<a href="http[^"]*" style="background:/.test(mail.html)) expect(mail.html).toContain(`style="background:${brand.color};`);
  if (brand.support) {
    expect(mail.text).toContain(brand.support);
    expect(mail.html).toContain(`href="mailto:${brand.support}"`);
  }
  if (brand.logo) {
    const img = /<img src="([^"]+)" alt="([^"]*)" width="(\d+)" height="(\d+)"/.exec(mail.html);
    expect(img?.[1]).toMatch(brand.logo);
    expect(img?.[2]).toBe(brand.name);
    expect(mail.text).not.toContain('/brand/');
  } else {
    expect(mail.html).not.toContain('<img');
  }
  expect(mail.parsed.from?.value).toEqual([{ name: brand.sender, address: PLATFORM_ADDRESS }]);
}

describe('emails carry the brand of the organization they are about', () => {
  let t: TestApp;
  let riverLogoUrl: RegExp;
  let river: Expected;
  let lake: Expected;

  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'utility', name: 'River Water Utility District', slug: 'river', support: RIVER_SUPPORT, policy: { passwordMaxAgeDays: 90 } });
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Lake Energy Ltd', slug: 'lake', support: LAKE_SUPPORT });
    await setBrand(t.deps.ctx, testOperator, 'river', RIVER);
    await setBrand(t.deps.ctx, testOperator, 'lake', LAKE);
    const view = await setBrandLogo(t.deps.ctx, testOperator, 'river', { bytes: png(240, 80), declaredType: 'image/png' });
    expect(view.logo?.path).toMatch(/^\/brand\/river\/logo-[0-9a-f]{16}\.png$/);
    riverLogoUrl = new RegExp(`^${t.deps.settings.server.publicUrl.replace(/[.]/g, '\\.')}/brand/river/logo-${view.logo!.sha256.slice(0, 16)}\\.png$`);
    river = { name: 'River Water', product: 'River Online', color: '#00607a', sender: RIVER.senderName, support: RIVER_SUPPORT.email, logo: riverLogoUrl };
    lake = { name: 'Lake Energy', product: 'Lake Connect', color: '#7a1f5c', sender: LAKE.senderName, support: LAKE_SUPPORT.email };
  });
  afterAll(() => t.close());

  const riverUser = () => activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
  const lakeUser = () => activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'lake', role: 'standard-user' }] });
  const lastTo = async (email: string) => {
    await t.deliver();
    return t.mailbox.last(email);
  };

  it('activation: River\'s logo (served by idbridge), colour, names, support contact and sender', async () => {
    await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'sarah@river.example', name: { givenName: 'Sarah', familyName: 'Reed' }, emails: [{ value: 'sarah@river.example' }] }, memberships: [{ organization: 'river', role: 'viewer' }] });
    const mail = await lastTo('sarah@river.example');
    expect(mail.subject).toBe('River Water has set up your River Online account');
    expect(mail.text).toContain('River Water has created a River Online account for you.');
    expect(mail.text).toContain(`Need help? Contact River Water: ${RIVER_SUPPORT.text} · ${RIVER_SUPPORT.email} · ${RIVER_SUPPORT.phone} · ${RIVER_SUPPORT.url}`);
    expectBrand(mail, river);
    expect(mail.html).toMatch(/<img src="[^"]+" alt="River Water" width="168" height="56"/);
    expect(mail.html).toContain('href="tel:+15550100199"');
    expect(mail.html).toContain('href="https://help.river.example/"');
    expect(mail.html).toContain('If the button does not work, copy this address into your browser:');
    const logo = await request(t.app).get(new URL(/<img src="([^"]+)"/.exec(mail.html)![1]!).pathname);
    expect(logo.status).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
  });

  it('password reset (asked for), password changed, reset by an administrator, MFA reset, deactivation', async () => {
    const user = await riverUser();
    await requestPasswordReset(t.deps.ctx, { email: user.email });
    const reset = await lastTo(user.email);
    expect(reset.subject).toBe('Reset your River Online password');
    expectBrand(reset, river);

    await completePasswordReset(t.deps.ctx, { token: new URL(reset.link!).searchParams.get('token')!, password: OTHER_PASSWORD });
    const changed = await lastTo(user.email);
    expect(changed.subject).toBe('Your River Online password has been changed');
    expectBrand(changed, river);

    await enrolTotp(t.deps.ctx, user.id);
    await resetMfa(t.deps.ctx, testOperator, user.id);
    const mfa = await lastTo(user.email);
    expect(mfa.subject).toBe('Your River Online two-step verification has been reset');
    expectBrand(mfa, river);

    await sendPasswordReset(t.deps.ctx, testOperator, user.id);
    const adminReset = await lastTo(user.email);
    expect(adminReset.subject).toBe('Your administrator has reset your River Online password');
    expect(adminReset.text).toContain('Your administrator at River Water has reset the password');
    expectBrand(adminReset, river);

    await deactivateAccount(t.deps.ctx, testOperator, user.id, { notify: true });
    const deactivated = await lastTo(user.email);
    expect(deactivated.subject).toBe('Your River Online account has been deactivated');
    expect(deactivated.text).toContain('Contact your administrator at River Water');
    expectBrand(deactivated, river);
  });

  it('account locked after failed sign-ins', async () => {
    const user = await riverUser();
    for (let i = 0; i < t.deps.settings.lockout.threshold; i++) await signInWithPassword(t.deps.ctx, { identifier: user.email, password: 'not the password' });
    const mail = await lastTo(user.email);
    expect(mail.subject).toBe('Your River Online account has been locked');
    expectBrand(mail, river);
  });

  it('added to and removed from an organization: that organization\'s brand, not the one that invited the user', async () => {
    const user = await lakeUser();
    t.deps.clock.advance(1000);
    await addMemberByEmail(t.deps.ctx, testOperator, { email: user.email, organization: 'river', role: 'viewer' });
    const added = await lastTo(user.email);
    expect(added.subject).toBe('You now have access to River Water');
    expect(added.text).toContain('given you access to River Water, with the role Viewer');
    expectBrand(added, river);

    // Any other email speaks for the organization that invited them.
    await requestPasswordReset(t.deps.ctx, { email: user.email });
    const reset = await lastTo(user.email);
    expect(reset.subject).toBe('Reset your Lake Connect password');
    expectBrand(reset, lake);

    await removeMembership(t.deps.ctx, testOperator, user.id, { organization: 'river', notify: true });
    const removed = await lastTo(user.email);
    expect(removed.subject).toBe('You no longer have access to River Water');
    expect(removed.text).toContain('Your access to River Water in River Online has been removed.');
    expectBrand(removed, river);
  });

  it('a user of Lake gets Lake\'s brand: its sender name with a comma, an apostrophe and accents, encoded in the From header', async () => {
    const user = await lakeUser();
    await requestPasswordReset(t.deps.ctx, { email: user.email });
    const mail = await lastTo(user.email);
    expectBrand(mail, lake);
    const from = mail.parsed.headerLines.find((line) => line.key === 'from')!.line;
    expect(from).toMatch(/^From: =\?UTF-8\?/);
    expect(from).toContain(`<${PLATFORM_ADDRESS}>`);
    expect(mail.html).toContain('Lake Connect');
  });

  it('a user without an organization gets the platform\'s brand and MAIL_FROM as it is', async () => {
    await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'nobody.org@example.com', emails: [{ value: 'nobody.org@example.com' }] }, memberships: [] });
    const mail = await lastTo('nobody.org@example.com');
    expect(mail.subject).toBe('Your Customer Portal account has been set up');
    expect(mail.text).toContain('Sent by Customer Portal.');
    expect(mail.text).not.toMatch(/River|Lake|Need help/);
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain(`border-top:4px solid ${t.deps.settings.brand.primaryColor}`);
    expect(mail.html).toContain(`color:${t.deps.settings.brand.primaryColor}">${t.deps.settings.brand.name}</td>`);
    expect(mail.parsed.from?.value).toEqual([{ name: 'idbridge', address: PLATFORM_ADDRESS }]);
  });

  it('speaks Spanish to a Spanish reader, with the brand', async () => {
    await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'jose@river.example', name: { givenName: 'José', familyName: 'Núñez' }, emails: [{ value: 'jose@river.example' }], preferredLanguage: 'es' }, memberships: [{ organization: 'river', role: 'viewer' }] });
    const mail = await lastTo('jose@river.example');
    expect(mail.subject).toBe('River Water ha creado su cuenta de River Online');
    expect(mail.text).toContain('Hola José:');
    expect(mail.text).toContain('¿Necesita ayuda? Contacte con River Water:');
    expect(mail.html).toContain('Si el botón no funciona, copie esta dirección en su navegador:');
    expectBrand(mail, river, 'es');
  });

  it('escapes brand text in HTML, and sends the sender name with quotes and accents as one encoded From', async () => {
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Evil Co', slug: 'evil', support: { text: '<img src=x onerror=alert(1)>', email: 'evil@example.com' } });
    await setBrand(t.deps.ctx, testOperator, 'evil', { displayName: 'Ev<script>alert("x")</script>il', productName: `P"r'o<b>duct`, senderName: "Évil 'Quoted', Inc." });
    await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'victim@evil.example', emails: [{ value: 'victim@evil.example' }] }, memberships: [{ organization: 'evil', role: 'standard-user' }] });
    const mail = await lastTo('victim@evil.example');
    expect(mail.html).not.toMatch(/<script|<b>|<img src=x/);
    expect(mail.html).toContain('Ev&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;il');
    expect(mail.html).toContain('P&quot;r&#39;o&lt;b&gt;duct');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.subject).toBe(`Ev<script>alert("x")</script>il has set up your P"r'o<b>duct account`);
    expect(mail.parsed.from?.value).toEqual([{ name: "Évil 'Quoted', Inc.", address: PLATFORM_ADDRESS }]);
  });

  it('refuses a sender name that could start a header, and never lets a stored one do it', async () => {
    await expect(setBrand(t.deps.ctx, testOperator, 'lake', { senderName: 'Lake\r\nBcc: victim@example.com' })).rejects.toMatchObject({ code: 'brand.invalid' });
    await expect(setBrand(t.deps.ctx, testOperator, 'lake', { senderName: 'Lake "Support" <x@evil.example>' })).rejects.toMatchObject({ code: 'brand.invalid' });
    // A snapshot that bypassed the schema (written by anything else) still makes one From with the platform's address.
    await t.deps.db.tx((tx) => enqueueMail(t.deps.ctx, tx, { to: 'target@example.com', template: 'deactivated', locale: 'en', data: { brand: { product: 'P', name: 'N', senderName: 'Evil"\r\nBcc: victim@example.com\r\nX-Evil: 1' } } }));
    const mail = await lastTo('target@example.com');
    expect(mail.parsed.headers.has('bcc')).toBe(false);
    expect(mail.parsed.headers.has('x-evil')).toBe(false);
    expect(mail.parsed.from?.value).toEqual([{ name: 'Evil" Bcc: victim@example.com X-Evil: 1', address: PLATFORM_ADDRESS }]);
    expect(t.mailbox.to('victim@example.com')).toHaveLength(0);
  });

  it('keeps the brand an email was queued with when the brand changes before it is sent', async () => {
    await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'queued@river.example', emails: [{ value: 'queued@river.example' }] }, memberships: [{ organization: 'river', role: 'viewer' }] });
    await setBrand(t.deps.ctx, testOperator, 'river', { productName: 'River Online 2' });
    const mail = await lastTo('queued@river.example');
    expect(mail.subject).toBe('River Water has set up your River Online account');
    await setBrand(t.deps.ctx, testOperator, 'river', { productName: RIVER.productName });
  });

  it('the password expiry reminder (River\'s 90-day policy)', async () => {
    const user = await riverUser();
    t.deps.clock.advance(61 * DAY);
    expect(await sendExpiryReminders(t.deps.ctx)).toBeGreaterThanOrEqual(1);
    const mail = await lastTo(user.email);
    expect(mail.subject).toBe('Your River Online password expires in 29 days');
    expectBrand(mail, river);
  });
});

describe('the platform\'s own brand, configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp({ brand: { name: 'Utility Portal', senderName: 'Utility Portal Team', primaryColor: '#1f4e79' } });
  });
  afterAll(() => t.close());

  it('names the platform, uses its colour and sends under its sender name, from MAIL_FROM\'s address', async () => {
    await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'admin.person@example.com', emails: [{ value: 'admin.person@example.com' }] }, memberships: [] });
    await t.deliver();
    const mail = t.mailbox.last('admin.person@example.com');
    expect(mail.html).toContain('color:#1f4e79">Utility Portal</td>');
    expect(mail.html).toContain('style="background:#1f4e79;');
    expect(mail.parsed.from?.value).toEqual([{ name: 'Utility Portal Team', address: PLATFORM_ADDRESS }]);
  });
});

describe('the authenticator entry names the brand', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'utility', name: 'River Water Utility District', slug: 'river' });
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Lake Energy Ltd', slug: 'lake' });
    await setBrand(t.deps.ctx, testOperator, 'river', { displayName: 'River Water', authenticatorName: 'River Water' });
    await setBrand(t.deps.ctx, testOperator, 'lake', { authenticatorName: 'Lake Energy' });
  });
  afterAll(() => t.close());

  async function signIn(email: string, password: string) {
    const agent = t.agent();
    const page = await agent.get('/sign-in');
    const next = await agent.post('/sign-in').type('form').send({ _csrf: csrfOf(page.text), identifier: email });
    const answer = await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(next.text), identifier: email, password });
    return { agent, answer };
  }

  it('puts River\'s authenticator name in the QR code\'s URI and on the enrolment page', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    const view = await startTotpEnrolment(t.deps.ctx, selfPrincipal(user.id));
    expect(view.uri).toMatch(new RegExp(`^otpauth://totp/River%20Water:${encodeURIComponent(user.email)}\\?`));
    expect(new URL(view.uri).searchParams.get('issuer')).toBe('River Water');
    expect(view.account).toBe(`River Water (${user.email})`);
    const { agent } = await signIn(user.email, user.password);
    const page = await agent.get('/account/mfa');
    expect(page.status).toBe(200);
    expect(textOf(page.text)).toContain(`River Water (${user.email})`);
  });

  it('names the organization the flow is for, and the platform\'s issuer for a user without one', async () => {
    // Invited by River, later given a role in Lake.
    const both = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    t.deps.clock.advance(1000);
    await grantMembership(t.deps.ctx, testOperator, both.id, { organization: 'lake', role: 'standard-user' });
    const lake = (await t.deps.db.models.Organization.findOne({ where: { slug: 'lake' } }))!;
    expect((await startTotpEnrolment(t.deps.ctx, selfPrincipal(both.id))).issuer).toBe('River Water');
    expect((await startTotpEnrolment(t.deps.ctx, selfPrincipal(both.id), { organizationId: lake.id })).account).toBe(`Lake Energy (${both.email})`);
    const alone = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const view = await startTotpEnrolment(t.deps.ctx, selfPrincipal(alone.id));
    expect(view.issuer).toBe(t.deps.settings.mfa.issuer);
    expect(new URL(view.uri).searchParams.get('issuer')).toBe(t.deps.settings.mfa.issuer);
  });

  it("names on the enrolment page the organization the sign-in was for (the portal's ?org= hint), not the user's first", async () => {
    const both = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    t.deps.clock.advance(1000);
    await grantMembership(t.deps.ctx, testOperator, both.id, { organization: 'lake', role: 'standard-user' });
    const agent = t.agent();
    const page = await agent.get('/sign-in?org=lake');
    const next = await agent.post('/sign-in').type('form').send({ _csrf: csrfOf(page.text), identifier: both.email, org: 'lake' });
    const answer = await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(next.text), identifier: both.email, password: both.password, org: 'lake' });
    expect(answer.status).toBe(303);
    const enrol = await agent.get('/account/mfa');
    expect(textOf(enrol.text)).toContain(`Lake Energy (${both.email})`);
    expect(textOf(enrol.text)).not.toContain('River Water (');
  });

  it('keeps an enrolment made before the brand changed working: the user signs in with their codes', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    const { secret } = await enrolTotp(t.deps.ctx, user.id);
    await setBrand(t.deps.ctx, testOperator, 'river', { displayName: 'River Water & Sewer', authenticatorName: 'River Water & Sewer' });
    t.deps.clock.advance(30_000);
    const { agent, answer } = await signIn(user.email, user.password);
    expect(answer.headers.location).toBe('/sign-in/totp');
    const totp = await agent.get('/sign-in/totp');
    const done = await agent.post('/sign-in/totp').type('form').send({ _csrf: csrfOf(totp.text), code: totpCode(secret, t.deps.clock.now()) });
    expect(done.status).toBe(303);
    expect((await agent.get('/account')).status).toBe(200);
    // A new enrolment takes the new name.
    const other = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    expect((await startTotpEnrolment(t.deps.ctx, selfPrincipal(other.id))).uri).toContain('issuer=River%20Water%20%26%20Sewer');
  });
});
