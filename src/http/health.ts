import { Router } from 'express';
import type { Database } from '../db/database.js';
import { pendingMigrations } from '../db/migrator.js';

/** /healthz: the process answers. /readyz: the database answers and its schema is current. */
export function healthRoutes(db: Database): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await db.sequelize.query('SELECT 1');
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
      return;
    }
    try {
      const pending = await pendingMigrations(db);
      if (pending.length > 0) {
        res.status(503).json({ status: 'unavailable', database: 'ok', migrations: 'pending', pending });
        return;
      }
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'ok', migrations: 'unknown' });
      return;
    }
    res.json({ status: 'ready', database: 'ok', dialect: db.dialect, migrations: 'current' });
  });
  return router;
}
