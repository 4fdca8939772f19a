import express from 'express';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { migrateDown, migrateUp } from '../../src/db/migrator.js';
import { jsonErrorHandler } from '../../src/http/errors.js';
import { requestId } from '../../src/http/requestId.js';
import { createLogger } from '../../src/lib/logger.js';
import { migrations } from '../../migrations/index.js';
import { openTestDeps, type TestDeps } from '../helpers/db.js';

describe('health endpoints', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  it('GET /healthz answers that the process is alive', async () => {
    const response = await request(createApp(deps)).get('/healthz').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GET /readyz answers ready when the database answers and migrations are current', async () => {
    const response = await request(createApp(deps)).get('/readyz').expect(200);
    expect(response.body).toEqual({ status: 'ready', database: 'ok', dialect: deps.db.dialect, migrations: 'current' });
  });

  it('GET /readyz answers 503 while a migration is pending', async () => {
    const last = migrations[migrations.length - 1]!.name;
    await migrateDown(deps.db, { to: last });
    const response = await request(createApp(deps)).get('/readyz').expect(503);
    expect(response.body).toMatchObject({ status: 'unavailable', migrations: 'pending', pending: [last] });
    await migrateUp(deps.db);
  });

  it('sends security headers on every answer', async () => {
    const response = await request(createApp(deps)).get('/healthz');
    expect(response.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'SAMEORIGIN' });
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await request(createApp(deps)).get('/nowhere').expect(404);
    expect(response.body).toEqual({ error: { code: 'route.not_found', message: 'Nothing here: GET /nowhere' } });
  });

  it('keeps a well-formed request id from a proxy', async () => {
    const response = await request(createApp(deps)).get('/healthz').set('X-Request-Id', 'lb-0123456789');
    expect(response.headers['x-request-id']).toBe('lb-0123456789');
    const forged = await request(createApp(deps)).get('/healthz').set('X-Request-Id', 'bad id with spaces; and a quote"');
    expect(forged.headers['x-request-id']).not.toContain('bad');
  });
});

describe('unknown errors', () => {
  it('answer 500 with the request id and no stack trace, and log the detail', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', destination: { write: (line: string) => lines.push(line) } as never });
    const app = express();
    app.use(requestId);
    app.get('/boom', () => {
      throw new Error('database exploded at /srv/secret/path');
    });
    app.use(jsonErrorHandler(logger));
    const response = await request(app).get('/boom').expect(500);
    expect(response.body).toEqual({ error: { code: 'internal_error', message: expect.stringContaining('request id'), requestId: response.headers['x-request-id'] } });
    expect(JSON.stringify(response.body)).not.toContain('exploded');
    expect(lines.join('')).toContain('database exploded');
    expect(JSON.parse(lines[0]!)).toMatchObject({ requestId: response.headers['x-request-id'] });
  });

  it('answer malformed JSON with 400, not 500', async () => {
    const logger = createLogger({ level: 'silent' });
    const app = express();
    app.use(requestId, express.json());
    app.post('/x', (_req, res) => res.json({}));
    app.use(jsonErrorHandler(logger));
    const response = await request(app).post('/x').set('Content-Type', 'application/json').send('{"a":').expect(400);
    expect(response.body.error.code).toBe('request.malformed_json');
  });
});
