import { Router } from 'express';
import { constantTimeEqual, sha256Hex } from '../lib/crypto.js';
import type { AppMetrics } from './metrics.js';

/**
 * GET /metrics for Prometheus, only when METRICS_TOKEN is set: without it the route does not exist (404), so the
 * metrics are never public by default. The scraper sends `Authorization: Bearer <token>`; both sides are hashed
 * first, so the constant-time comparison does not even depend on the length of what was sent.
 */
export function metricsRoutes(metrics: Pick<AppMetrics, 'scrape' | 'contentType'>, token: string): Router {
  const router = Router();
  if (!token) return router;
  const expected = sha256Hex(token);
  router.get('/metrics', async (req, res) => {
    const presented = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!constantTimeEqual(sha256Hex(presented), expected)) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').type('text/plain').send('GET /metrics needs the bearer token METRICS_TOKEN.');
      return;
    }
    const text = await metrics.scrape();
    res.set('Cache-Control', 'no-store').type(metrics.contentType).send(text);
  });
  return router;
}
