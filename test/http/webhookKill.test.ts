import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/config/load.js';
import { migrateUp } from '../../src/db/migrator.js';
import { buildDeps } from '../../src/deps.js';
import { systemActor } from '../../src/identity/actor.js';
import { emitEvent } from '../../src/identity/events.js';
import { createOidcClient } from '../../src/identity/oidcClients.js';
import { createWebhook } from '../../src/identity/webhooks/subscriptions.js';
import { createLogger } from '../../src/lib/logger.js';
import { freshDatabaseEnv, testOperator } from '../helpers/db.js';
import { scaled } from '../helpers/machine.js';
import { killAllServers, killGroup, startServer } from '../helpers/serverProcess.js';
import { tempDir } from '../helpers/settings.js';

/**
 * kill -9 of an instance in the middle of delivering: the events it was sending are sent again by another instance
 * once its claims lapse (the request timeout plus the claim margin), never while they are still claimed, and every
 * event arrives; nothing is lost and nothing is sent twice at the same time.
 */
const PEOPLE = ['ana', 'bea', 'cy', 'dee', 'eve'];

describe('webhook delivery across a kill -9', () => {
  afterEach(() => killAllServers());

  it('sends what a killed instance was sending again once its claims lapse, once each, and loses nothing', async () => {
    // The receiver holds every request while `holding`: the first instance is killed with its requests in flight.
    let holding = true;
    const held: ServerResponse[] = [];
    const receptions: Array<{ id: string; at: number; answered: boolean; body: string; headers: Record<string, string> }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        // Only the events of this test's people count (the first start's own event, the administrator it creates,
        // is accepted and left out).
        if (!PEOPLE.includes(String((JSON.parse(body) as { data: { userId: unknown } }).data.userId))) return void res.writeHead(204).end();
        const reception = { id: String(req.headers['webhook-id']), at: Date.now(), answered: !holding, body, headers: req.headers as Record<string, string> };
        receptions.push(reception);
        if (holding) held.push(res);
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;

    // One data directory (or PostgreSQL schema) for the seeding here and both instances; claims last 1 + 5 s, longer
    // than the second instance takes to start, so that it must wait for them.
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'development', DATA_DIR: tempDir(), ...freshDatabaseEnv(), WEBHOOK_POLL_MS: '100', WEBHOOK_TIMEOUT_SECONDS: '1', WEBHOOK_CLAIM_MARGIN_SECONDS: '5' };
    const deps = buildDeps(loadConfig({ env }), { logger: createLogger({ level: 'silent' }) });
    try {
      await migrateUp(deps.db);
      const portal = await createOidcClient(deps.ctx, testOperator, { name: 'Portal', redirectUris: ['https://portal.example/cb'] });
      const { secret } = await createWebhook(deps.ctx, testOperator, { client: portal.clientId, url, eventTypes: 'all' });

      const first = await startServer(env);
      await deps.ctx.db.tx(async (t) => {
        for (const person of PEOPLE) emitEvent(deps.ctx, t, systemActor, { type: 'user.deactivated', organizationIds: [], userId: person, data: { person } });
      });
      // One per user, sent in parallel.
      const expected = PEOPLE.length;
      const deadline = Date.now() + scaled(30_000);
      while (receptions.length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      // Every event is in flight, claimed by the first instance: kill it.
      expect(receptions).toHaveLength(expected);
      killGroup(first.child);
      const killedAt = Date.now();
      await new Promise((resolve) => first.child.once('exit', resolve));
      holding = false;
      for (const response of held) response.destroy();

      await startServer(env);
      while (receptions.filter((r) => r.answered).length < expected && Date.now() < deadline + scaled(30_000)) await new Promise((resolve) => setTimeout(resolve, 50));

      const answered = receptions.filter((r) => r.answered);
      const ids = [...new Set(receptions.map((r) => r.id))];
      expect(ids).toHaveLength(expected);
      // Each event arrived once more, from the second instance, and only after the killed instance's claim lapsed.
      expect(answered.map((r) => r.id).sort()).toEqual([...ids].sort());
      for (const again of answered) {
        const before = receptions.find((r) => r.id === again.id && !r.answered)!;
        expect(again.at - before.at).toBeGreaterThanOrEqual(5900);
        expect(again.at).toBeGreaterThanOrEqual(killedAt);
        expect(() => new Webhook(secret).verify(again.body, again.headers)).not.toThrow();
      }
    } finally {
      await deps.close();
      receiver.closeAllConnections();
      receiver.close();
    }
  }, scaled(90_000));
});
