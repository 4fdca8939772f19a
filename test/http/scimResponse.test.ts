import { createServer, type Server } from 'node:http';
import { sendScimJson } from '../../src/scim/response.js';

describe('SCIM JSON answers', () => {
  let server: Server;
  let base: string;
  let body: unknown;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = 200;
      sendScimJson(req, res, body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('writes a long list in slices, byte for byte what JSON.stringify writes, even when a string looks like the list', async () => {
    body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'g-1',
      displayName: 'tricky "members":[] name',
      members: Array.from({ length: 12_001 }, (_, i) => ({ value: `u-${i}`, display: `Ñandú ${i} "quoted"` })),
      meta: { resourceType: 'Group', version: 'W/"3"' },
    };
    const response = await fetch(`${base}/Groups/g-1`);
    expect(response.headers.get('etag')).toBe('W/"3"');
    expect(await response.text()).toBe(JSON.stringify(body));
  });

  it('writes a short answer whole, with its length', async () => {
    body = { schemas: ['x'], id: 'u-1', members: [{ value: 'a' }] };
    const response = await fetch(`${base}/Users/u-1`);
    expect(response.headers.get('content-length')).toBe(String(JSON.stringify(body).length));
    expect(await response.json()).toEqual(body);
  });
});
