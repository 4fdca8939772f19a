import { Router } from 'express';
import type { Readiness } from '../identity/readiness.js';

/** /healthz: the process answers. /readyz: the database answers and its schema is current. */
export function healthRoutes(readiness: () => Promise<Readiness>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const state = await readiness();
    if (state.ready) {
      res.json({ status: 'ready', database: 'ok', dialect: state.dialect, migrations: 'current' });
      return;
    }
    const { ready: _ready, ...detail } = state;
    res.status(503).json({ status: 'unavailable', ...detail });
  });
  return router;
}
