import type { RequestHandler } from 'express';
import { invalid } from '../identity/errors.js';

/** Whether text percent-decodes to something holding a control character (or does not decode at all). */
function holdsControl(text: string): boolean {
  try {
    return /\p{Cc}/u.test(decodeURIComponent(text.replace(/\+/g, ' ')));
  } catch {
    return true;
  }
}

/**
 * Refuses a request whose path or query holds a control character, a NUL above all (`/api/admin/v1/users/a%00b`,
 * `?search=a%00`): no id, slug or search can hold one, PostgreSQL cannot compare one and SQLite would. One check for
 * every route of the application (the SCIM server has its own steps: scim/pipeline.ts).
 */
export const refuseControlCharacters: RequestHandler = (req, _res, next) => {
  const url = req.originalUrl ?? req.url ?? '';
  if (holdsControl(url)) return next(invalid('request.control_character', 'The address holds a control character (such as NUL), which no id, name or search may contain.'));
  next();
};
