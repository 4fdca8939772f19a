import { Router } from 'express';
import type { Services } from '../../identity/services.js';
import { queryInteger, queryString } from './params.js';

/**
 * The change feed: the events the administrator may read (every event at platform level, those of its organizations
 * for an organization administrator), in commit order, a page at a time; `next_cursor` continues after the page.
 */
export function eventRoutes(services: Services): Router {
  const router = Router();
  router.get('/events', async (req, res) => {
    const after = queryString(req, 'after');
    const types = queryString(req, 'types');
    const organization = queryString(req, 'organization');
    const limit = queryInteger(req, 'limit');
    res.json(
      await services.events.list(req.admin!, {
        ...(after !== undefined ? { after } : {}),
        ...(types !== undefined ? { types } : {}),
        ...(organization ? { organization } : {}),
        ...(limit !== undefined ? { limit } : {}),
      }),
    );
  });
  return router;
}
