import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpTransport } from '../../src/webhooks/transport.js';

/**
 * The webhook client refuses addresses the operator did not let webhooks reach, when it connects: an IP address in the
 * URL, and a host name by what it resolves to then (a name that points at the machine or its network is not
 * connected to, whatever it resolved to when the subscription was made).
 */
describe('the addresses a webhook is sent to', () => {
  let server: Server;
  let port: number;
  let received = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      received += 1;
      req.resume();
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (url: string, rule: { loopback: boolean; privateNetworks: boolean }) => httpTransport(rule)({ url, headers: { 'content-type': 'application/json' }, body: '{}' }, 5000);

  it('reaches loopback when the rule allows it (development, tests)', async () => {
    const before = received;
    expect(await post(`http://127.0.0.1:${port}/hook`, { loopback: true, privateNetworks: false })).toMatchObject({ statusCode: 204, error: null });
    expect(await post(`http://localhost:${port}/hook`, { loopback: true, privateNetworks: false })).toMatchObject({ statusCode: 204, error: null });
    expect(received).toBe(before + 2);
  });

  it('does not connect to loopback in production, given as an address or as a name resolving to it', async () => {
    const before = received;
    const production = { loopback: false, privateNetworks: true };
    const literal = await post(`http://127.0.0.1:${port}/hook`, production);
    expect(literal).toMatchObject({ statusCode: null, error: 'not sent: 127.0.0.1 is this machine (loopback)' });
    const named = await post(`http://localhost:${port}/hook`, production);
    expect(named.statusCode).toBeNull();
    expect(named.error).toMatch(/^not sent: localhost resolves to (127\.0\.0\.1|::1) is this machine/);
    expect(received).toBe(before);
  });

  it('does not connect to private networks unless allowed', async () => {
    expect(await post('https://10.255.255.1/hook', { loopback: false, privateNetworks: false })).toMatchObject({ statusCode: null, error: 'not sent: 10.255.255.1 is a private, link-local or reserved address' });
    expect(await post('https://[::ffff:169.254.169.254]/latest', { loopback: false, privateNetworks: false })).toMatchObject({ error: expect.stringContaining('is a private, link-local or reserved address') });
  });
});
