import type { Response } from 'express';
import type { ScimType } from '../problem.js';
import { ERROR_SCHEMA } from '../schemas.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * Writes a SCIM error (RFC 7644 §3.12) from a middleware that runs before scimmy's router: its formatter accepts only
 * some statuses (429 and 415 crash it), so these answers are written here.
 */
export function sendScimError(res: Response, status: number, scimType: ScimType | undefined, detail: string, headers: Record<string, string> = {}): void {
  res
    .status(status)
    .set({ ...headers, 'Content-Type': SCIM_CONTENT_TYPE })
    .send(JSON.stringify({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail }));
}
