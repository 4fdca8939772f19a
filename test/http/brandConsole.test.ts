import { createOrganization } from '../../src/identity/organizations.js';
import { enrolTotp, GOOD_PASSWORD } from '../helpers/accounts.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { csrfOf, openTestApp, textOf, type Agent, signedInAgent, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';
import { pngFile, SVG_LOGO } from '../helpers/logoFiles.js';

const RIVER = '/admin/organizations/river/brand';
const LAKE = '/admin/organizations/lake/brand';

describe('admin console: an organization\'s brand', () => {
  let t: TestApp;
  let root: Agent;
  let riverAdmin: Agent;

  const signedIn = (email: string, password: string, secret?: string) => signedInAgent(t, email, password, secret);

  const brand = (slug = 'river') => t.deps.services.branding.get(testOperator, slug);
  const form = (fields: Record<string, string>) => ({ displayName: '', primaryColor: '', productName: '', senderName: '', authenticatorName: '', ...fields });
  /** A logo upload as the page's form sends it: the CSRF field, then the file. */
  const upload = (agent: Agent, path: string, csrf: string | null, bytes: Buffer, filename = 'logo.png', contentType = 'image/png') => {
    const post = agent.post(`${path}/logo`);
    if (csrf !== null) post.field('_csrf', csrf);
    return post.attach('logo', bytes, { filename, contentType });
  };

  beforeAll(async () => {
    t = await openTestApp();
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'Lake Energy', slug: 'lake' });
    const admin = await platformAdmin(ctx);
    root = await signedIn(admin.email, GOOD_PASSWORD, (await enrolTotp(ctx, admin.id)).secret);
    const river = await organizationAdmin(ctx, t.mailbox, t.deliver, 'river', 'administrator');
    riverAdmin = await signedIn(river.email, river.password);
  });
  afterAll(() => t.close());

  it('links each organization to its brand page, which previews the brand without inline style', async () => {
    const list = await root.get('/admin/organizations');
    expect(list.text).toContain(`href="${RIVER}"`);
    expect(list.text).toContain(`href="${LAKE}"`);
    const page = await root.get(RIVER);
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    expect(text).toContain('Brand of River Water');
    expect(text).toMatch(/Display name River Water default/);
    expect(text).toMatch(/Primary colour .*#0b5cad default/);
    expect(text).toContain('None: pages and emails show the name');
    expect(page.text).toContain('fill="#0b5cad"');
    expect(page.text).not.toMatch(/\sstyle=/);
    expect(page.headers['content-security-policy']).toContain("style-src 'self'");
    expect(page.text).toContain('enctype="multipart/form-data"');
    const spanish = textOf((await root.get(`${RIVER}?lang=es`)).text);
    expect(spanish).toContain('Marca de River Water');
    expect(spanish).toContain('Subir el logotipo');
    await root.get(`${RIVER}?lang=en`);
  });

  it('refuses a colour too light for WCAG AA next to the field, keeps what was typed, and changes nothing', async () => {
    const page = await root.get(RIVER);
    for (const colour of ['#ffcc00', '#999999']) {
      const refused = await root.post(RIVER).type('form').send({ _csrf: csrfOf(page.text), ...form({ displayName: 'River Water Co.', primaryColor: colour, productName: 'River portal' }) });
      expect(refused.status).toBe(400);
      const error = /<p class="error" id="f-primaryColor-error">([^<]+)<\/p>/.exec(refused.text)?.[1];
      expect(error).toMatch(/^Primary colour: is too light: white text on it and it on the page background need a contrast of at least 4\.5:1 \(WCAG AA\), and it has \d\.\d\d:1; choose a darker shade$/);
      expect(refused.text).toMatch(new RegExp(`id="f-primaryColor" name="primaryColor" type="text" autocomplete="off" value="${colour}"[^>]*aria-invalid="true"`));
      expect(refused.text).toContain('value="River Water Co."');
      expect(refused.text).toContain('value="River portal"');
    }
    expect((await brand()).brand).toEqual({});
  });

  it('saves the names and a dark colour, and previews them', async () => {
    const page = await root.get(RIVER);
    const saved = await root.post(RIVER).type('form').send({ _csrf: csrfOf(page.text), ...form({ displayName: 'River Water Co.', primaryColor: '#1A4D2E', productName: 'River Water customer portal', authenticatorName: 'River Water' }) });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(RIVER);
    const after = await root.get(RIVER);
    expect(textOf(after.text)).toContain('The brand of River Water has been saved.');
    expect(after.text).toContain('fill="#1a4d2e"');
    expect(after.text).toContain('value="#1a4d2e"');
    expect((await brand()).brand).toEqual({ displayName: 'River Water Co.', primaryColor: '#1a4d2e', productName: 'River Water customer portal', authenticatorName: 'River Water' });
  });

  it('uploads a logo with the form (CSRF token first, then the file) and shows it from its public path', async () => {
    const page = await root.get(RIVER);
    const bytes = pngFile(120, 40);
    const uploaded = await upload(root, RIVER, csrfOf(page.text), bytes);
    expect(uploaded.status).toBe(303);
    const { logo } = await brand();
    expect(logo).toMatchObject({ contentType: 'image/png', width: 120, height: 40, bytes: bytes.length });
    const after = await root.get(RIVER);
    expect(textOf(after.text)).toContain('The logo of River Water has been saved.');
    expect(after.text).toContain(`<img src="${logo!.path}" alt="Logo of River Water Co." width="120" height="40" class="brand-logo">`);
    expect(textOf(after.text)).toContain('image/png, 120×40 pixels, 1 KiB');
  });

  it('refuses SVG, a declared type the bytes are not, and an oversize file next to the file field, keeping the logo', async () => {
    const before = (await brand()).logo;
    const csrf = csrfOf((await root.get(RIVER)).text);
    const svg = await upload(root, RIVER, csrf, SVG_LOGO, 'logo.svg', 'image/svg+xml');
    expect(svg.status).toBe(400);
    expect(/<p class="error" id="f-logo-error">([^<]+)<\/p>/.exec(svg.text)?.[1]).toBe('SVG logos are not accepted (an SVG file can carry script); upload a PNG, JPEG or WebP image.');
    const disguised = await upload(root, RIVER, csrf, SVG_LOGO, 'logo.png', 'image/png');
    expect(textOf(disguised.text)).toContain('SVG logos are not accepted');
    const mismatch = await upload(root, RIVER, csrf, pngFile(20, 20), 'logo.jpg', 'image/jpeg');
    expect(textOf(mismatch.text)).toContain('The file was sent as image/jpeg but it is image/png.');
    const big = await upload(root, RIVER, csrf, Buffer.concat([pngFile(20, 20), Buffer.alloc(300 * 1024)]));
    expect(big.status).toBe(413);
    expect(/<p class="error" id="f-logo-error">([^<]+)<\/p>/.exec(big.text)?.[1]).toBe('The file is larger than 256 KiB, the most a logo may be: choose a smaller image.');
    const none = await root.post(`${RIVER}/logo`).field('_csrf', csrf).attach('logo', Buffer.alloc(0), { filename: '', contentType: 'application/octet-stream' });
    expect(none.status).toBe(400);
    expect(textOf(none.text)).toContain('Choose an image file (PNG, JPEG or WebP) to upload.');
    // A form cut off inside the file (no closing boundary).
    const cut = await root.post(`${RIVER}/logo`).set('Content-Type', 'multipart/form-data; boundary=XyZ').send(`--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--XyZ\r\nContent-Disposition: form-data; name="logo"; filename="logo.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n`);
    expect(cut.status).toBe(400);
    expect(textOf(cut.text)).toContain('The upload could not be read');
    const two = await root.post(`${RIVER}/logo`).field('_csrf', csrf).attach('logo', pngFile(20, 20), 'a.png').attach('other', pngFile(30, 30), 'b.png');
    expect(two.status).toBe(400);
    expect(textOf(two.text)).toContain('Send one image file and nothing else.');
    expect((await brand()).logo).toEqual(before);
  });

  it('refuses an upload without the CSRF token, with it after the file, or with another session\'s token (cross-site)', async () => {
    const before = (await brand()).logo;
    const other = pngFile(64, 64);
    const missing = await upload(root, RIVER, null, other);
    expect(missing.status).toBe(403);
    expect(textOf(missing.text)).toContain('This form has expired');
    const own = csrfOf((await root.get(RIVER)).text);
    const late = await root.post(`${RIVER}/logo`).attach('logo', other, 'logo.png').field('_csrf', own);
    expect(late.status).toBe(403);
    const foreign = csrfOf((await riverAdmin.get(RIVER)).text);
    expect((await upload(root, RIVER, foreign, other)).status).toBe(403);
    expect((await upload(root, RIVER, 'forged', other)).status).toBe(403);
    // A plain (urlencoded) cross-site post to the upload address is refused the same way.
    expect((await root.post(`${RIVER}/logo`).type('form').send({ logo: 'x' })).status).toBe(403);
    expect((await brand()).logo).toEqual(before);
    // With the right token, the same request is accepted.
    expect((await upload(root, RIVER, own, other)).status).toBe(303);
    expect((await brand()).logo).toMatchObject({ width: 64, height: 64 });
  });

  it('removes the logo with its form', async () => {
    const page = await root.get(RIVER);
    const removed = await root.post(`${RIVER}/logo/delete`).type('form').send({ _csrf: csrfOf(page.text) });
    expect(removed.status).toBe(303);
    expect((await brand()).logo).toBeNull();
    expect(textOf((await root.get(RIVER)).text)).toContain('The logo of River Water has been removed.');
    expect((await root.post(`${RIVER}/logo/delete`).type('form').send({})).status).toBe(403);
  });

  it('lets River\'s administrator brand River, and shows another organization as not found', async () => {
    const page = await riverAdmin.get(RIVER);
    expect(page.status).toBe(200);
    const csrf = csrfOf(page.text);
    expect((await riverAdmin.post(RIVER).type('form').send({ _csrf: csrf, ...form({ displayName: 'River Water Co.', primaryColor: '#0b3d91' }) })).status).toBe(303);
    expect((await upload(riverAdmin, RIVER, csrf, pngFile(48, 48))).status).toBe(303);
    expect(await brand()).toMatchObject({ brand: { displayName: 'River Water Co.', primaryColor: '#0b3d91' }, logo: { width: 48, height: 48 } });

    const lake = await brand('lake');
    expect((await riverAdmin.get(LAKE)).status).toBe(404);
    expect((await riverAdmin.post(LAKE).type('form').send({ _csrf: csrf, ...form({ displayName: 'Taken over' }) })).status).toBe(404);
    expect((await upload(riverAdmin, LAKE, csrf, pngFile(48, 48))).status).toBe(404);
    expect((await riverAdmin.post(`${LAKE}/logo/delete`).type('form').send({ _csrf: csrf })).status).toBe(404);
    expect(await brand('lake')).toEqual(lake);
    expect((await riverAdmin.get('/admin/organizations')).text).not.toContain(LAKE);
  });

  it('sends a visitor who is not signed in to sign in, reading nothing of the upload', async () => {
    const response = await upload(t.agent(), RIVER, 'x', pngFile(32, 32));
    expect(response.status).toBe(303);
    expect(response.headers.location).toMatch(/^\/sign-in\?return_to=/);
  });
});
