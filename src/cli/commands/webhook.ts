import type { WebhookDeliveryView } from '../../identity/webhooks/deliveryLog.js';
import type { WebhookSubscriptionView, WebhookSubscriptionWithSecret } from '../../identity/webhooks/subscriptionView.js';
import { integerOption, list, optional, required, table, UsageError, type Command } from '../command.js';

const ownerOf = (w: WebhookSubscriptionView) => (w.owner.type === 'client' ? `client ${w.owner.clientId}` : `org ${w.owner.slug}`);

function secretText(w: WebhookSubscriptionWithSecret, verb: string): string {
  return [
    `${verb} webhook ${w.id} (${ownerOf(w)}) → ${w.url}`,
    `  events         ${w.eventTypes === 'all' ? 'all' : w.eventTypes.join(', ')}`,
    ...(w.previousSecretValidUntil ? [`  previous secret still signs until ${w.previousSecretValidUntil}`] : []),
    'Signing secret (copy it now; it is not shown again):',
    `  ${w.secret}`,
  ].join('\n');
}

export const webhookCommands: Command[] = [
  {
    words: ['webhook', 'create'],
    summary: "Subscribe a portal application (--client) or an organization (--org) to events; prints the signing secret, only now.",
    usage: 'webhook create (--client CLIENT_ID [--filter-org SLUG]... | --org SLUG) --url URL [--event TYPE]... [--description TEXT] [--disabled]',
    options: { client: { type: 'string' }, org: { type: 'string' }, url: { type: 'string' }, event: { type: 'string', multiple: true }, 'filter-org': { type: 'string', multiple: true }, description: { type: 'string' }, disabled: { type: 'boolean' } },
    async run({ services, values, principal }) {
      const client = optional(values, 'client');
      const org = optional(values, 'org');
      if (Boolean(client) === Boolean(org)) throw new UsageError('give either --client or --org');
      const events = list(values, 'event');
      const filter = list(values, 'filter-org');
      const description = optional(values, 'description');
      return services.webhooks.create(principal, {
        ...(client ? { client } : {}),
        ...(org ? { organization: org } : {}),
        url: required(values, 'url'),
        eventTypes: events.length > 0 ? (events as never) : 'all',
        ...(filter.length > 0 ? { organizations: filter } : {}),
        ...(description !== undefined ? { description } : {}),
        enabled: values.disabled !== true,
      });
    },
    text: (r) => secretText(r as WebhookSubscriptionWithSecret, 'Created'),
  },
  {
    words: ['webhook', 'list'],
    summary: 'List webhook subscriptions (never their secrets), with their state.',
    usage: 'webhook list [--org SLUG | --client CLIENT_ID]',
    options: { org: { type: 'string' }, client: { type: 'string' } },
    async run({ services, values, principal }) {
      const org = optional(values, 'org');
      const client = optional(values, 'client');
      return { webhooks: await services.webhooks.list(principal, { ...(org ? { organization: org } : {}), ...(client ? { client } : {}) }) };
    },
    text: (r) => {
      const { webhooks } = r as { webhooks: WebhookSubscriptionView[] };
      if (webhooks.length === 0) return 'No webhooks.';
      return table([
        ['ID', 'OWNER', 'STATE', 'FAILING SINCE', 'LAST DELIVERY', 'EVENTS', 'URL'],
        ...webhooks.map((w) => [w.id, ownerOf(w), w.state, w.failingSince ?? '-', w.lastAttempt ? `${w.lastAttempt.statusCode ?? 'no answer'} ${w.lastAttempt.at}` : '-', w.eventTypes === 'all' ? 'all' : String(w.eventTypes.length), w.url]),
      ]);
    },
  },
  {
    words: ['webhook', 'rotate'],
    summary: 'Give a webhook a new signing secret (printed only now); the previous one still signs for --grace-hours (default webhooks.secretGraceHours).',
    usage: 'webhook rotate --id ID [--grace-hours N]',
    options: { id: { type: 'string' }, 'grace-hours': { type: 'string' } },
    async run({ services, values, principal }) {
      const graceHours = integerOption(values, 'grace-hours');
      return services.webhooks.rotateSecret(principal, required(values, 'id'), graceHours === undefined ? {} : { graceHours });
    },
    text: (r) => secretText(r as WebhookSubscriptionWithSecret, 'Rotated the secret of'),
  },
  {
    words: ['webhook', 'delete'],
    summary: 'Delete a webhook subscription and its delivery log.',
    usage: 'webhook delete --id ID',
    options: { id: { type: 'string' } },
    async run({ services, values, principal }) {
      const id = required(values, 'id');
      await services.webhooks.delete(principal, id);
      return { deleted: id };
    },
    text: (r) => `Deleted webhook ${(r as { deleted: string }).deleted}.`,
  },
  {
    words: ['webhook', 'deliveries'],
    summary: "A webhook's delivery log, latest events first; --send-again ID queues one delivery again.",
    usage: 'webhook deliveries --id ID [--status pending|sending|delivered|failed] [--limit N] [--send-again DELIVERY_ID]',
    options: { id: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, 'send-again': { type: 'string' } },
    async run({ services, values, principal }) {
      const id = required(values, 'id');
      const again = optional(values, 'send-again');
      if (again) return { resent: await services.webhooks.resend(principal, id, again) };
      const status = optional(values, 'status');
      const limit = integerOption(values, 'limit');
      return services.webhooks.deliveries(principal, id, { ...(status ? { status } : {}), ...(limit !== undefined ? { limit } : {}) });
    },
    text: (r) => {
      const resent = (r as { resent?: WebhookDeliveryView }).resent;
      if (resent) return `Queued delivery ${resent.id} (${resent.event.type} ${resent.event.id}) to be sent again now.`;
      const { deliveries } = r as { deliveries: WebhookDeliveryView[] };
      if (deliveries.length === 0) return 'No deliveries.';
      return table([
        ['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'CODE', 'MS', 'LAST ATTEMPT', 'ANSWER'],
        ...deliveries.map((d) => [d.id, d.event.type, d.status, String(d.attempts), d.lastStatusCode === null ? '-' : String(d.lastStatusCode), d.lastDurationMs === null ? '-' : String(d.lastDurationMs), d.lastAttemptAt ?? '-', d.lastError ?? d.responseExcerpt ?? '']),
      ]);
    },
  },
];
