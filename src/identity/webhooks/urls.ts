import { refusedAddress, type AddressRule } from '../../lib/networkAddresses.js';
import { invalid } from '../errors.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const MAX_URL_LENGTH = 2000;

/** The settings that decide which webhook addresses are accepted. */
export interface WebhookUrlSettings {
  env: 'development' | 'test' | 'production';
  webhooks: { allowPrivateNetworks: boolean };
}

/** Which addresses webhooks may reach: loopback outside production, private networks when the operator allows them. */
export function webhookAddressRule(settings: WebhookUrlSettings): AddressRule {
  return { loopback: settings.env !== 'production', privateNetworks: settings.webhooks.allowPrivateNetworks };
}

/**
 * Checks the address a webhook is POSTed to, and returns it as URL parsing writes it. https only in production; outside
 * it, http too for a receiver on loopback (a developer's machine, the tests). No credentials in the address (they would
 * sit in logs and the console: a receiver verifies the signature instead), no fragment, nothing but http(s). An IP
 * address the rule does not let webhooks reach is refused here; a host name is checked on each connection, against
 * what it resolves to then (webhooks/transport.ts).
 */
export function checkWebhookUrl(text: string, settings: WebhookUrlSettings): string {
  const { env } = settings;
  const rule = webhookAddressRule(settings);
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
  const refused = refusedAddress(url.hostname, rule);
  if (refused) throw invalid('webhook.url_private', `url: ${refused}; webhooks reach addresses on the internet only${rule.privateNetworks ? '' : ' (an operator can allow private networks: webhooks.allowPrivateNetworks)'}.`, field);
  return url.toString();
}
