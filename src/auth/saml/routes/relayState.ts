import type { Settings } from '../../../config/schema.js';
import { safeReturnTo } from '../../local/routes/context.js';

/**
 * Where a RelayState (or return_to) may send the browser: a path on idbridge, or an absolute URL on idbridge's own
 * origin or on an origin listed in SAML_ALLOWED_RETURN_ORIGINS. Anything else is dropped (no open redirect).
 */
export function allowedReturnTo(settings: Settings, value: unknown): string | undefined {
  const path = safeReturnTo(value);
  if (path) return path;
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const allowed = new Set([new URL(settings.server.publicUrl).origin, ...settings.saml.allowedReturnOrigins.split(',').map((o) => o.trim()).filter(Boolean).map((o) => new URL(o).origin)]);
  return (url.protocol === 'https:' || url.protocol === 'http:') && allowed.has(url.origin) ? url.toString() : undefined;
}
