import { Router } from 'express';
import type { ConsoleDeps } from './context.js';

/** Organizations, directories, role mappings, the audit log, API tokens and portal applications. */
export function platformPages(_deps: ConsoleDeps): Router {
  const router = Router();
  return router;
}
