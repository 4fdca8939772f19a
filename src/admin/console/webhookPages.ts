import { Router, type Request, type Response } from 'express';
import type { Translate } from '../../i18n/translate.js';
import { isDomainError } from '../../identity/errors.js';
import type { AdminPrincipal } from '../../identity/principal.js';
import type { WebhookSubscriptionView } from '../../identity/webhooks/subscriptionView.js';
import { DELIVERY_STATUSES, webhookDetailPage, type NewSecret } from '../../pages/console/webhookDetail.js';
import { confirmWebhookDeletePage, editWebhookPage, newWebhookPage, webhookHref, webhookLabels, webhookListPage, type WebhookFormErrors, type WebhookFormValues } from '../../pages/console/webhooks.js';
import { attempt, consoleRequest, done, show, type ConsoleDeps } from './context.js';
import { formErrors } from './formErrors.js';
import { bodyValue } from './userPages.js';

/** Deliveries per page of the log. */
const LOG_PAGE = 25;

function queryText(req: Request, name: string): string {
  const value = req.query[name];
  return typeof value === 'string' ? value.trim().slice(0, 20) : '';
}

function formValues(req: Request): WebhookFormValues {
  const checked = ([] as unknown[]).concat((req.body as Record<string, unknown> | undefined)?.eventTypes ?? []).filter((v): v is string => typeof v === 'string' && v !== '');
  return { target: bodyValue(req, 'target'), url: bodyValue(req, 'url'), description: bodyValue(req, 'description'), eventTypes: checked, enabled: bodyValue(req, 'enabled') === 'yes' };
}

/** No box checked is every event type, present and future: the domain's 'all'. */
const eventTypesOf = (values: WebhookFormValues): string[] | 'all' => (values.eventTypes.length ? values.eventTypes : 'all');

/** The owner the target select names: `client:<client_id>` or `organization:<slug>`; nothing when none is chosen. */
function ownerOf(target: string): { client?: string; organization?: string } {
  const at = target.indexOf(':');
  const kind = target.slice(0, at);
  const reference = target.slice(at + 1);
  if (at < 0 || !reference) return {};
  return kind === 'client' ? { client: reference } : kind === 'organization' ? { organization: reference } : {};
}

/** The domain's refusal of a form, by field; each message begins with its field's label. Null: not the input's fault. */
function errorsOf(t: Translate, error: unknown, values: WebhookFormValues): WebhookFormErrors | null {
  const labels = webhookLabels(t);
  const fieldOf = (path: string) => {
    const head = path.split('.')[0] ?? '';
    return head === 'client' || head === 'organization' ? 'target' : head in labels ? head : undefined;
  };
  const errors = formErrors(t, error, { target: values.target, url: values.url, description: values.description, eventTypes: values.eventTypes.join(' ') }, { labels, fieldOf });
  if (!errors) return null;
  return Object.fromEntries(Object.entries(errors).map(([name, text]) => [name, text && labels[name] && !text.startsWith(labels[name] as string) ? t('console.form.fieldProblem', { field: labels[name] as string, problem: text }) : text]));
}

/** The portal applications an administrator may subscribe: none when the policy lets it see none. */
async function clientChoices(deps: ConsoleDeps, admin: AdminPrincipal) {
  try {
    return await deps.services.oidcClients.list(admin);
  } catch (error) {
    if (isDomainError(error) && error.kind === 'forbidden') return [];
    throw error;
  }
}

/** Renders a subscription's page with a page of its delivery log (the query's status and `before` say which). */
async function showWebhook(deps: ConsoleDeps, req: Request, res: Response, id: string, extra: { subscription?: WebhookSubscriptionView; newSecret?: NewSecret; flash?: string } = {}): Promise<void> {
  const { t, csrf, admin } = consoleRequest(req);
  const { webhooks } = deps.services;
  const status = DELIVERY_STATUSES.find((s) => s === queryText(req, 'status')) ?? '';
  const beforeText = queryText(req, 'before');
  const before = /^\d{1,15}$/.test(beforeText) ? Number(beforeText) : undefined;
  const subscription = extra.subscription ?? (await webhooks.get(admin, id));
  const log = await webhooks.deliveries(admin, id, { limit: LOG_PAGE, ...(status ? { status } : {}), ...(before !== undefined ? { before } : {}) });
  const href = webhookHref(id);
  const query = (more: Record<string, string>) => new URLSearchParams({ ...(status ? { status } : {}), ...more }).toString();
  show(deps, req, res, {
    title: t('console.webhooks.detailTitle', { url: subscription.url }),
    section: 'webhooks',
    ...(extra.flash ? { flash: { kind: 'ok' as const, text: extra.flash } } : {}),
    body: webhookDetailPage(t, {
      csrf,
      subscription,
      graceHours: deps.settings.webhooks.secretGraceHours,
      log: {
        deliveries: log.deliveries,
        status,
        olderHref: log.next !== null ? `${href}?${query({ before: String(log.next) })}` : null,
        latestHref: before !== undefined ? (status ? `${href}?${query({})}` : href) : null,
      },
      ...(extra.newSecret ? { newSecret: extra.newSecret } : {}),
    }),
  });
}

/**
 * Webhook subscriptions in the console: the list, a new one (its signing secret shown in that answer only), a
 * subscription's page with its delivery log and "send again", editing, rotating the secret, deleting. Which
 * subscriptions an administrator sees and may change is the domain's to say: each route calls one of
 * services.webhooks with the administrator, and a subscription out of its sight is "not found".
 */
export function webhookPages(deps: ConsoleDeps): Router {
  const router = Router();
  const { webhooks, organizations } = deps.services;

  router.get('/webhooks', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    show(deps, req, res, { title: t('console.webhooks.title'), section: 'webhooks', body: webhookListPage(t, { subscriptions: await webhooks.list(admin) }) });
  });

  async function showNewForm(req: Request, res: Response, input: { values?: WebhookFormValues; errors?: WebhookFormErrors; status?: number } = {}): Promise<void> {
    const { t, csrf, admin } = consoleRequest(req);
    const [clients, organizationList] = await Promise.all([clientChoices(deps, admin), organizations.list(admin)]);
    show(deps, req, res, {
      title: t('console.webhooks.newTitle'),
      section: 'webhooks',
      ...(input.status ? { status: input.status } : {}),
      body: newWebhookPage(t, { csrf, clients, organizations: organizationList, ...(input.values ? { values: input.values } : {}), ...(input.errors ? { errors: input.errors } : {}) }),
    });
  }

  router.get('/webhooks/new', async (req, res) => showNewForm(req, res));

  // The new secret is in this answer only (no redirect: it must not travel in an address or a cookie).
  router.post('/webhooks', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const values = formValues(req);
    try {
      const created = await webhooks.create(admin, { ...ownerOf(values.target), url: values.url, description: values.description, eventTypes: eventTypesOf(values), enabled: values.enabled });
      const { secret, ...subscription } = created;
      await showWebhook(deps, req, res, created.id, { subscription, newSecret: { secret, rotated: false, previousValidUntil: null }, flash: t('console.webhooks.created', { url: created.url }) });
    } catch (error) {
      const errors = errorsOf(t, error, values);
      if (!errors) throw error;
      await showNewForm(req, res, { values, errors, status: 400 });
    }
  });

  router.get('/webhooks/:id', async (req, res) => showWebhook(deps, req, res, req.params.id as string));

  router.get('/webhooks/:id/edit', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    const subscription = await webhooks.get(admin, req.params.id as string);
    show(deps, req, res, { title: t('console.webhooks.editTitle', { url: subscription.url }), section: 'webhooks', body: editWebhookPage(t, { csrf, subscription }) });
  });

  router.post('/webhooks/:id/edit', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    const id = req.params.id as string;
    const values = formValues(req);
    try {
      const updated = await webhooks.update(admin, id, { url: values.url, description: values.description, eventTypes: eventTypesOf(values), enabled: values.enabled });
      done(deps, res, webhookHref(id), { kind: 'ok', text: t('console.webhooks.saved', { url: updated.url }) });
    } catch (error) {
      const errors = errorsOf(t, error, values);
      if (!errors) throw error;
      const subscription = await webhooks.get(admin, id);
      show(deps, req, res, { title: t('console.webhooks.editTitle', { url: subscription.url }), section: 'webhooks', status: 400, body: editWebhookPage(t, { csrf, subscription, values, errors }) });
    }
  });

  // The new secret is in this answer only; the previous one keeps signing for the domain's grace period.
  router.post('/webhooks/:id/rotate-secret', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const id = req.params.id as string;
    await attempt(deps, res, webhookHref(id), async () => {
      const { secret, ...subscription } = await webhooks.rotateSecret(admin, id);
      await showWebhook(deps, req, res, id, { subscription, newSecret: { secret, rotated: true, previousValidUntil: subscription.previousSecretValidUntil }, flash: t('console.webhooks.rotated') });
    });
  });

  router.get('/webhooks/:id/delete', async (req, res) => {
    const { t, csrf, admin } = consoleRequest(req);
    const subscription = await webhooks.get(admin, req.params.id as string);
    show(deps, req, res, { title: t('console.webhooks.deleteTitle'), section: 'webhooks', body: confirmWebhookDeletePage(t, { csrf, subscription }) });
  });

  router.post('/webhooks/:id/delete', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const id = req.params.id as string;
    await attempt(deps, res, webhookHref(id), async () => {
      const subscription = await webhooks.get(admin, id);
      await webhooks.delete(admin, id);
      done(deps, res, '/admin/webhooks', { kind: 'ok', text: t('console.webhooks.deleted', { url: subscription.url }) });
    });
  });

  router.post('/webhooks/:id/deliveries/:delivery/send-again', async (req, res) => {
    const { t, admin } = consoleRequest(req);
    const id = req.params.id as string;
    await attempt(deps, res, webhookHref(id), async () => {
      const delivery = await webhooks.resend(admin, id, req.params.delivery as string);
      done(deps, res, webhookHref(id), { kind: 'ok', text: t('console.webhooks.resent', { type: delivery.event.type, id: delivery.event.id }) });
    });
  });

  return router;
}
