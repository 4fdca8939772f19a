import { invalid } from '../errors.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const MAX_URL_LENGTH = 2000;

/**
 * Checks the address a webhook is POSTed to, and returns it as URL parsing writes it. https only in production; outside
 * it, http too for a receiver on loopback (a developer's machine, the tests). No credentials in the address (they would
 * sit in logs and the console: a receiver verifies the signature instead), no fragment, nothing but http(s).
 */
export function checkWebhookUrl(text: string, env: 'development' | 'test' | 'production'): string {
  const field = 'url';
  if (typeof text !== 'string' || text.trim() === '') throw invalid('webhook.url_invalid', 'url: give the address to POST events to, such as https://portal.example.com/idbridge/events.', field);
  if (text.length > MAX_URL_LENGTH) throw invalid('webhook.url_invalid', `url: must be ${MAX_URL_LENGTH} characters or fewer.`, field);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw invalid('webhook.url_invalid', 'url: must be an absolute address such as https://portal.example.com/idbridge/events.', field);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('webhook.url_scheme', `url: must be https:// (not ${url.protocol}).`, field);
  if (url.username || url.password) throw invalid('webhook.url_credentials', 'url: must not carry a user name or password; the receiver verifies the webhook-signature header instead.', field);
  if (url.hash) throw invalid('webhook.url_invalid', 'url: must not have a #fragment.', field);
  if (url.protocol === 'http:') {
    if (env === 'production') throw invalid('webhook.url_scheme', 'url: must be https:// in production.', field);
    if (!LOOPBACK.test(url.hostname)) throw invalid('webhook.url_scheme', 'url: must be https://; http:// is accepted only for localhost, 127.0.0.1 or [::1] outside production.', field);
  }
  return url.toString();
}
