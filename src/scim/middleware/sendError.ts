import type { ServerResponse } from 'node:http';
import { noteAnsweredError } from '../answeredError.js';
import type { ScimType } from '../problem.js';
import { ERROR_SCHEMA } from '../schemas.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/**
 * Writes a SCIM error (RFC 7644 §3.12) from code that runs before scimmy's router, or without it: its formatter
 * accepts only some statuses (429 and 415 crash it), so these answers are written here.
 */
export function sendScimError(res: ServerResponse, status: number, scimType: ScimType | undefined, detail: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail });
  noteAnsweredError(res, { scimType, detail });
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
