import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import request from 'supertest';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization, updateOrganization } from '../../src/identity/organizations.js';
import { createScimToken } from '../../src/identity/scimTokens.js';
import { createServiceToken } from '../../src/identity/serviceTokens.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';
import { jpegFile, pngClaiming, pngFile, SVG_LOGO, webpExtended, webpLossless, webpLossy } from '../helpers/logoFiles.js';

const API = '/api/admin/v1';
const LOW_CONTRAST = /is too light: white text on it and it on the page background need a contrast of at least 4\.5:1 \(WCAG AA\), and it has \d\.\d\d:1; choose a darker shade/;

describe('admin API: an organization\'s brand', () => {
  let t: TestApp;
  let root: Awaited<ReturnType<typeof platformAdmin>>;
  let riverAdmin: Awaited<ReturnType<typeof organizationAdmin>>;

  const as = (token: string) => ({
    get: (url: string) => request(t.app).get(`${API}${url}`).set('Authorization', `Bearer ${token}`),
    patch: (url: string, body: object) => request(t.app).patch(`${API}${url}`).set('Authorization', `Bearer ${token}`).send(body),
    put: (url: string, bytes: Buffer | string, type: string) => request(t.app).put(`${API}${url}`).set('Authorization', `Bearer ${token}`).set('Content-Type', type).send(bytes),
    delete: (url: string) => request(t.app).delete(`${API}${url}`).set('Authorization', `Bearer ${token}`),
  });
  const events = async (action: string) => (await as(root.token).get(`/audit-events?organization=river&action=${action}`)).body.events as Array<{ action: string; actor: { id: string }; details: Record<string, unknown> }>;
  const brandOf = async (slug = 'river') => (await as(root.token).get(`/organizations/${slug}/brand`)).body;

  beforeAll(async () => {
    t = await openTestApp();
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'Lake Energy', slug: 'lake' });
    await updateOrganization(ctx, testOperator, 'river', { support: { email: 'help@river.test', phone: '+1 555 0100' } });
    root = await platformAdmin(ctx);
    riverAdmin = await organizationAdmin(ctx, t.mailbox, t.deliver, 'river', 'administrator');
  });
  afterAll(() => t.close());

  describe('GET and PATCH /organizations/{id}/brand', () => {
    it('shows an unbranded organization with the platform\'s parts, its name and its support contact', async () => {
      const response = await as(root.token).get('/organizations/river/brand');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        organization: { slug: 'river', name: 'River Water' },
        brand: {},
        support: { email: 'help@river.test', phone: '+1 555 0100' },
        logo: null,
        effective: { key: 'river', name: 'River Water', primaryColor: '#0b5cad', productName: 'Customer Portal', senderName: 'River Water', authenticatorName: 'River Water', logo: null, organization: { slug: 'river', support: { email: 'help@river.test' } } },
      });
    });

    it('sets the fields given, keeps those absent, and clears those sent as "" or null; audited with the fields changed', async () => {
      const set = await as(root.token).patch('/organizations/river/brand', { displayName: 'River Water Co.', primaryColor: '#1A4D2E', productName: 'River Water customer portal', senderName: 'River Water', authenticatorName: 'River Water' });
      expect(set.status).toBe(200);
      expect(set.body.brand).toEqual({ displayName: 'River Water Co.', primaryColor: '#1a4d2e', productName: 'River Water customer portal', senderName: 'River Water', authenticatorName: 'River Water' });
      expect(set.body.effective).toMatchObject({ name: 'River Water Co.', primaryColor: '#1a4d2e', primaryColorDark: '#153e25', productName: 'River Water customer portal' });
      expect(await brandOf()).toEqual(set.body);

      const changed = await as(root.token).patch('/organizations/river/brand', { senderName: '', authenticatorName: null, productName: 'River Water portal' });
      expect(changed.body.brand).toEqual({ displayName: 'River Water Co.', primaryColor: '#1a4d2e', productName: 'River Water portal' });
      expect(changed.body.effective).toMatchObject({ senderName: 'River Water Co.', authenticatorName: 'River Water Co.' });

      const [latest] = await events('organization.brand_changed');
      expect(latest?.actor.id).toBe(root.id);
      expect(latest?.details).toEqual({ changed: ['productName', 'senderName', 'authenticatorName'], before: { productName: 'River Water customer portal', senderName: 'River Water', authenticatorName: 'River Water' }, after: { productName: 'River Water portal', senderName: null, authenticatorName: null } });
    });

    it('refuses a colour too light for white text or the page (WCAG AA), saying why, and changes nothing', async () => {
      const before = await brandOf();
      const audited = (await events('organization.brand_changed')).length;
      for (const colour of ['#ffcc00', '#999999', '#777777']) {
        const refused = await as(root.token).patch('/organizations/river/brand', { primaryColor: colour, productName: 'Changed too' });
        expect(refused.status).toBe(400);
        expect(refused.body.error).toMatchObject({ code: 'brand.invalid', field: 'primaryColor' });
        expect(refused.body.error.message).toMatch(new RegExp(`^primaryColor: ${LOW_CONTRAST.source}$`));
      }
      const notHex = await as(root.token).patch('/organizations/river/brand', { primaryColor: 'blue' });
      expect(notHex.body.error.message).toBe('primaryColor: must be a colour written #rrggbb, such as #0b5cad');
      expect(await brandOf()).toEqual(before);
      expect(await events('organization.brand_changed')).toHaveLength(audited);
    });

    it('accepts a dark colour, and "" brings back the platform\'s', async () => {
      expect((await as(root.token).patch('/organizations/river/brand', { primaryColor: '#0b3d91' })).body.effective.primaryColor).toBe('#0b3d91');
      expect((await as(root.token).patch('/organizations/river/brand', { primaryColor: '' })).body.effective.primaryColor).toBe('#0b5cad');
      expect((await as(root.token).patch('/organizations/river/brand', { primaryColor: '#1a4d2e' })).body.brand.primaryColor).toBe('#1a4d2e');
    });

    it('refuses unknown fields, text with line breaks and names authenticator apps would cut, naming the field', async () => {
      const unknown = await as(root.token).patch('/organizations/river/brand', { logo: 'x' });
      expect(unknown.status).toBe(400);
      const multiline = await as(root.token).patch('/organizations/river/brand', { displayName: 'River\nWater' });
      expect(multiline.body.error).toMatchObject({ field: 'displayName', message: 'displayName: must be one line of text without control characters' });
      const colon = await as(root.token).patch('/organizations/river/brand', { authenticatorName: 'River: Water' });
      expect(colon.body.error).toMatchObject({ field: 'authenticatorName' });
      const sender = await as(root.token).patch('/organizations/river/brand', { senderName: 'River <x@evil.test>' });
      expect(sender.body.error).toMatchObject({ field: 'senderName' });
      expect((await as(root.token).patch('/organizations/river/brand', { displayName: 'x'.repeat(101) })).body.error.field).toBe('displayName');
    });
  });

  describe('PUT and DELETE /organizations/{id}/brand/logo', () => {
    let current: { sha256: string; path: string };

    /** The logo as recorded, and its bytes as served to pages (the public read, by slug and hash). */
    async function recordedLogo() {
      const { logo } = await brandOf();
      const served = logo ? await t.deps.services.branding.readLogo('river', logo.sha256.slice(0, 16)) : null;
      return { logo, served };
    }

    it('accepts a PNG, reporting its type, size and public path; audited', async () => {
      const bytes = pngFile(120, 40);
      const response = await as(root.token).put('/organizations/river/brand/logo', bytes, 'image/png');
      expect(response.status).toBe(200);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      expect(response.body.logo).toMatchObject({ contentType: 'image/png', width: 120, height: 40, bytes: bytes.length, sha256, path: `/brand/river/logo-${sha256.slice(0, 16)}.png` });
      expect(response.body.effective.logo).toMatchObject({ path: response.body.logo.path, width: 120, height: 40 });
      const { served } = await recordedLogo();
      expect(served?.data.equals(bytes)).toBe(true);
      expect(served?.contentType).toBe('image/png');
      const [event] = await events('organization.brand_logo_changed');
      expect(event?.details).toMatchObject({ before: null, after: { sha256, contentType: 'image/png', width: 120, height: 40, bytes: bytes.length } });
      current = response.body.logo;
    });

    it('accepts JPEG and WebP (lossy, lossless, extended) with their dimensions, each replacing the last', async () => {
      const cases: Array<[Buffer, string, number, number, string]> = [
        [jpegFile(300, 100), 'image/jpeg', 300, 100, 'jpg'],
        [webpLossy(200, 80), 'image/webp', 200, 80, 'webp'],
        [webpLossless(64, 64), 'image/webp', 64, 64, 'webp'],
        [webpExtended(1024, 256), 'image/webp', 1024, 256, 'webp'],
      ];
      for (const [bytes, type, width, height, extension] of cases) {
        const response = await as(root.token).put('/organizations/river/brand/logo', bytes, type);
        expect(response.status).toBe(200);
        expect(response.body.logo).toMatchObject({ contentType: type, width, height });
        expect(response.body.logo.path).toMatch(new RegExp(`^/brand/river/logo-[0-9a-f]{16}\\.${extension}$`));
      }
      const png = await as(root.token).put('/organizations/river/brand/logo', pngFile(120, 40), 'image/png');
      expect(png.body.logo.sha256).toBe(current.sha256);
      const [last, previous] = await events('organization.brand_logo_changed');
      expect(last?.details).toMatchObject({ before: { contentType: 'image/webp' }, after: { contentType: 'image/png' } });
      expect(previous?.details).toMatchObject({ after: { contentType: 'image/webp', width: 1024, height: 256 } });
    });

    it('refuses SVG, damaged files, mismatched types and dimensions with the reason, keeping the logo it had', async () => {
      const png = pngFile(120, 40);
      const refusals: Array<[Buffer | string, string, string, RegExp]> = [
        [SVG_LOGO, 'image/svg+xml', 'logo.svg', /SVG logos are not accepted \(an SVG file can carry script\)/],
        [SVG_LOGO, 'image/png', 'logo.svg', /SVG logos are not accepted/],
        [png, 'image/jpeg', 'logo.type_mismatch', /^The file was sent as image\/jpeg but it is image\/png\.$/],
        [png.subarray(0, png.length - 12), 'image/png', 'logo.damaged', /The PNG file is incomplete/],
        [png.subarray(0, 40), 'image/png', 'logo.damaged', /The PNG file is damaged/],
        [pngClaiming(4000, 40), 'image/png', 'logo.dimensions', /^The logo is 4000×40 pixels; it must be between 16×16 and 1024×1024\.$/],
        [pngFile(8, 8), 'image/png', 'logo.dimensions', /8×8 pixels/],
        [Buffer.from('GIF89a\x10\x00\x10\x00;', 'latin1'), 'image/gif', 'logo.unsupported_type', /PNG, JPEG or WebP/],
        [Buffer.alloc(0), 'image/png', 'logo.empty', /empty/],
      ];
      const audited = (await events('organization.brand_logo_changed')).length;
      for (const [bytes, type, code, message] of refusals) {
        const response = await as(root.token).put('/organizations/river/brand/logo', bytes as Buffer, type);
        expect({ status: response.status, code: response.body.error?.code, field: response.body.error?.field }).toEqual({ status: 400, code, field: 'logo' });
        expect(response.body.error.message).toMatch(message);
      }
      const { logo, served } = await recordedLogo();
      expect(logo).toMatchObject({ sha256: current.sha256, contentType: 'image/png', width: 120, height: 40 });
      expect(served?.data.equals(png)).toBe(true);
      expect(await events('organization.brand_logo_changed')).toHaveLength(audited);
    });

    it('refuses an upload over brand.logoMaxKiB with 413 naming the limit, declared or streamed, without keeping it', async () => {
      const big = Buffer.concat([pngFile(120, 40), Buffer.alloc(300 * 1024)]);
      const declared = await as(root.token).put('/organizations/river/brand/logo', big, 'image/png');
      expect(declared.status).toBe(413);
      expect(declared.body.error).toEqual({ code: 'logo.too_large', message: 'The logo is larger than 256 KiB; at most 256 KiB is accepted.', field: 'logo' });

      // Without Content-Length (chunked): refused once the stream passes the limit.
      const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const server = t.app as unknown as Parameters<typeof request>[0];
        const req = request(server).put(`${API}/organizations/river/brand/logo`).set('Authorization', `Bearer ${root.token}`).set('Content-Type', 'image/png').set('Transfer-Encoding', 'chunked');
        req.write(big.subarray(0, 200 * 1024));
        req.write(big.subarray(200 * 1024));
        req.end((error, response) => (error ? reject(error) : resolve({ status: response.status, body: response.text })));
      });
      expect(streamed.status).toBe(413);
      expect(JSON.parse(streamed.body).error.message).toContain('256 KiB');

      const compressed = await as(root.token).put('/organizations/river/brand/logo', pngFile(20, 20), 'image/png').set('Content-Encoding', 'gzip');
      expect(compressed.status).toBe(415);
      const json = await request(t.app).put(`${API}/organizations/river/brand/logo`).set('Authorization', `Bearer ${root.token}`).send({ logo: 'base64…' });
      expect(json.status).toBe(415);
      expect(json.body.error.code).toBe('logo.unsupported_type');
      expect((await brandOf()).logo.sha256).toBe(current.sha256);
    });

    it('accepts a file of exactly the limit\'s size', async () => {
      const base = pngFile(120, 40);
      // A private ancillary chunk before IEND (decoders skip it) pads the PNG to 256 KiB exactly.
      const padding = 256 * 1024 - base.length - 12;
      const chunk = Buffer.alloc(12 + padding);
      chunk.writeUInt32BE(padding, 0);
      chunk.write('paDd', 4, 'latin1');
      chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + padding)) >>> 0, 8 + padding);
      const exact = Buffer.concat([base.subarray(0, base.length - 12), chunk, base.subarray(base.length - 12)]);
      expect(exact.length).toBe(256 * 1024);
      const response = await as(root.token).put('/organizations/river/brand/logo', exact, 'image/png');
      expect(response.status).toBe(200);
      expect(response.body.logo.bytes).toBe(256 * 1024);
      expect((await as(root.token).put('/organizations/river/brand/logo', base, 'image/png')).status).toBe(200);
    });

    it('removes the logo (audited) and says so when there is none', async () => {
      const removed = await as(root.token).delete('/organizations/river/brand/logo');
      expect(removed.status).toBe(200);
      expect(removed.body).toMatchObject({ logo: null, effective: { logo: null } });
      const [event] = await events('organization.brand_logo_removed');
      expect(event?.details).toEqual({ before: { sha256: current.sha256, contentType: 'image/png' } });
      expect(await t.deps.services.branding.readLogo('river', current.sha256.slice(0, 16))).toBeNull();
      expect((await as(root.token).delete('/organizations/river/brand/logo')).body.logo).toBeNull();
      expect(await events('organization.brand_logo_removed')).toHaveLength(1);
    });
  });

  describe('who may', () => {
    it('lets River\'s administrator brand River, and answers 404 for Lake without changing it', async () => {
      const api = as(riverAdmin.token);
      expect((await api.get('/organizations/river/brand')).status).toBe(200);
      const set = await api.patch('/organizations/river/brand', { productName: 'River self-service' });
      expect(set.status).toBe(200);
      expect(set.body.brand.productName).toBe('River self-service');
      expect((await api.put('/organizations/river/brand/logo', pngFile(32, 32), 'image/png')).status).toBe(200);
      const [event] = await events('organization.brand_logo_changed');
      expect(event?.actor.id).toBe(riverAdmin.id);

      const lake = await brandOf('lake');
      for (const response of [
        await api.get('/organizations/lake/brand'),
        await api.patch('/organizations/lake/brand', { displayName: 'Taken over' }),
        await api.put('/organizations/lake/brand/logo', pngFile(32, 32), 'image/png'),
        await api.delete('/organizations/lake/brand/logo'),
      ]) {
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe('organization.not_found');
      }
      expect(await brandOf('lake')).toEqual(lake);
    });

    it('keeps integration credentials out: a service token of Lake gets 404 for River, a SCIM token is not an admin token', async () => {
      const ctx = t.deps.ctx;
      const lakeToken = (await createServiceToken(ctx, testOperator, { name: 'lake ci', organization: 'lake' })).token;
      expect((await as(lakeToken).patch('/organizations/river/brand', { displayName: 'Lake took it' })).status).toBe(404);
      expect((await as(lakeToken).put('/organizations/river/brand/logo', pngFile(32, 32), 'image/png')).status).toBe(404);
      expect((await as(lakeToken).patch('/organizations/lake/brand', { displayName: 'Lake Energy' })).status).toBe(200);

      await createDirectory(ctx, testOperator, { kind: 'sso', name: 'okta-river', organizations: ['river'] });
      const scim = (await createScimToken(ctx, testOperator, { directory: 'okta-river' })).token;
      const refused = await as(scim).patch('/organizations/river/brand', { displayName: 'SCIM took it' });
      expect(refused.status).toBe(401);
      expect((await as(scim).put('/organizations/river/brand/logo', pngFile(32, 32), 'image/png')).status).toBe(401);
      expect((await brandOf()).brand.displayName).toBe('River Water Co.');
    });

    it('reads no upload before authenticating: an anonymous upload is answered 401', async () => {
      const response = await request(t.app).put(`${API}/organizations/river/brand/logo`).set('Content-Type', 'image/png').send(pngFile(32, 32));
      expect(response.status).toBe(401);
    });
  });
});
