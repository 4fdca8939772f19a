import type { Translate } from '../../i18n/translate.js';
import { EVENT_TYPES } from '../../identity/events.js';
import type { OidcClientView } from '../../identity/oidcClients.js';
import type { OrganizationView } from '../../identity/organizations.js';
import type { WebhookSubscriptionView } from '../../identity/webhooks/subscriptionView.js';
import { errorSummary, field, form } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { checkbox } from './directories.js';
import { when } from './format.js';

/** What the create and edit forms hold: as typed, so that a refused form comes back as it was sent. */
export interface WebhookFormValues {
  /** `client:<client_id>` or `organization:<slug>` (the create form only). */
  target: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
}

export type WebhookFormErrors = Record<string, string | undefined>;

/** The labels of the form's fields, by name (the refusals of the domain name them). */
export function webhookLabels(t: Translate): Record<string, string> {
  return { target: t('console.webhooks.target'), url: t('console.webhooks.url'), description: t('console.webhooks.description'), eventTypes: t('console.webhooks.events'), enabled: t('console.webhooks.enabled') };
}

export const webhookHref = (id: string) => `/admin/webhooks/${encodeURIComponent(id)}`;

/** Whose subscription it is, as an administrator reads it: "Portal application: Customer portal". */
export function ownerLabel(t: Translate, subscription: WebhookSubscriptionView): string {
  const owner = subscription.owner;
  return owner.type === 'client' ? t('console.webhooks.ownerClient', { name: owner.name || owner.clientId }) : t('console.webhooks.ownerOrganization', { name: owner.name || owner.slug });
}

export function eventTypesText(t: Translate, eventTypes: WebhookSubscriptionView['eventTypes']): SafeHtml {
  return eventTypes === 'all' ? html`${t('console.webhooks.allEvents')}` : html`${eventTypes.map((type, i) => html`${i ? ', ' : ''}<code>${type}</code>`)}`;
}

/** Its state (active, paused, disabled) and, standing out, the flag of a subscription whose deliveries are failing. */
export function stateBadges(t: Translate, subscription: WebhookSubscriptionView): SafeHtml {
  const state = html`<span class="badge webhook-${subscription.state}">${t(`console.webhooks.state.${subscription.state}`)}</span>`;
  return subscription.failingSince ? html`${state} <span class="badge webhook-failing">${t('console.webhooks.failing')}</span>` : state;
}

/** How the last attempt went: the receiver's status code (or that it did not answer, with why), and when. */
export function lastAttemptText(t: Translate, attempt: WebhookSubscriptionView['lastAttempt']): SafeHtml {
  if (!attempt) return html`<span class="hint">${t('console.webhooks.lastAttemptNone')}</span>`;
  const ok = attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
  const code = attempt.statusCode === null ? t('console.webhooks.lastAttemptNoAnswer') : String(attempt.statusCode);
  return html`<span class="badge ${ok ? 'webhook-active' : 'webhook-failing'}">${code}</span> ${when(attempt.at)}${!ok && attempt.error ? html`<br><span class="hint">${attempt.error}</span>` : ''}`;
}

/** The subscriptions the administrator manages, the failing ones flagged, and the way to add one. */
export function webhookListPage(t: Translate, input: { subscriptions: WebhookSubscriptionView[] }): SafeHtml {
  const failing = input.subscriptions.filter((s) => s.failingSince);
  return html`<p>${t('console.webhooks.intro')}</p>
<p class="page-actions"><a class="button secondary" href="/admin/webhooks/new">${t('console.webhooks.add')}</a></p>
${failing.length ? html`<div class="notice warning" data-testid="failing-webhooks"><p><strong>${t('console.webhooks.failingCount', { count: failing.length })}</strong></p><p>${t('console.webhooks.failingListHint')}</p></div>` : ''}
${
  input.subscriptions.length === 0
    ? html`<p>${t('console.webhooks.empty')}</p>`
    : html`<div class="table-wrap"><table class="webhooks" data-testid="webhooks">
  <thead><tr><th scope="col">${t('console.webhooks.url')}</th><th scope="col">${t('console.webhooks.target')}</th><th scope="col">${t('console.webhooks.events')}</th><th scope="col">${t('console.webhooks.stateHeading')}</th><th scope="col">${t('console.webhooks.lastDelivery')}</th><th scope="col">${t('console.webhooks.description')}</th></tr></thead>
  <tbody>${input.subscriptions.map(
    (s) => html`<tr${s.failingSince ? html` class="flagged"` : ''}><th scope="row"><a href="${webhookHref(s.id)}"><code>${s.url}</code></a></th><td>${ownerLabel(t, s)}</td><td>${eventTypesText(t, s.eventTypes)}</td>
    <td>${stateBadges(t, s)}${s.failingSince ? html`<br><span class="hint">${t('console.webhooks.failingSince')} ${when(s.failingSince)}</span>` : ''}${s.state === 'paused' ? html`<br><span class="hint">${t('console.webhooks.pausedUntil')} ${when(s.pausedUntil)}</span>` : ''}</td><td data-testid="last-attempt">${lastAttemptText(t, s.lastAttempt)}</td><td>${s.description || '—'}</td></tr>`,
  )}</tbody>
</table></div>`
}`;
}

function targetField(t: Translate, input: { clients: OidcClientView[]; organizations: OrganizationView[]; value: string; error: string | undefined }): SafeHtml {
  const options = [...input.clients.map((c) => `client:${c.clientId}`), ...input.organizations.map((o) => `organization:${o.slug}`)];
  const value = input.value || (options.length === 1 ? (options[0] as string) : '');
  const option = (key: string, label: string) => html`<option value="${key}"${key === value ? html` selected` : ''}>${label}</option>`;
  const describedBy = ['f-target-hint', input.error ? 'f-target-error' : ''].filter(Boolean).join(' ');
  return html`<div class="field${input.error ? ' has-error' : ''}"><label for="f-target">${t('console.webhooks.target')}</label>
  <p class="hint" id="f-target-hint">${t('console.webhooks.targetHint')}</p>
  ${input.error ? html`<p class="error" id="f-target-error">${input.error}</p>` : ''}
  <select id="f-target" name="target" aria-describedby="${describedBy}"${input.error ? html` aria-invalid="true"` : ''}>
    ${options.length === 1 ? '' : option('', t('console.form.chooseOrganization'))}
    ${input.clients.length ? html`<optgroup label="${t('console.webhooks.targetClients')}">${input.clients.map((c) => option(`client:${c.clientId}`, c.name))}</optgroup>` : ''}
    ${input.organizations.length ? html`<optgroup label="${t('console.webhooks.targetOrganizations')}">${input.organizations.map((o) => option(`organization:${o.slug}`, o.name))}</optgroup>` : ''}
  </select></div>`;
}

/** A checkbox per event type; none checked is every type, present and future (the domain's default). */
function eventTypeFields(t: Translate, chosen: readonly string[], error: string | undefined): SafeHtml {
  const describedBy = ['f-eventTypes-hint', error ? 'f-eventTypes-error' : ''].filter(Boolean).join(' ');
  return html`<fieldset id="f-eventTypes" class="event-types${error ? ' has-error' : ''}" aria-describedby="${describedBy}">
  <legend>${t('console.webhooks.events')}</legend>
  <p class="hint" id="f-eventTypes-hint">${t('console.webhooks.eventsHint')}</p>
  ${error ? html`<p class="error" id="f-eventTypes-error">${error}</p>` : ''}
  <div class="two-columns">${EVENT_TYPES.map((type) => {
    const id = `f-event-${type.replace(/\W/g, '-')}`;
    return html`<div class="field checkbox"><input type="checkbox" id="${id}" name="eventTypes" value="${type}"${chosen.includes(type) ? html` checked` : ''}> <label for="${id}" class="inline-label"><code>${type}</code></label></div>`;
  })}</div>
</fieldset>`;
}

function commonFields(t: Translate, values: WebhookFormValues, errors: WebhookFormErrors): SafeHtml {
  return html`${field({ name: 'url', label: t('console.webhooks.url'), value: values.url, required: true, maxlength: 2000, autocomplete: 'off', hint: t('console.webhooks.urlHint'), ...(errors.url ? { error: errors.url } : {}) })}
  ${field({ name: 'description', label: t('console.webhooks.description'), value: values.description, maxlength: 200, autocomplete: 'off', ...(errors.description ? { error: errors.description } : {}) })}
  ${eventTypeFields(t, values.eventTypes, errors.eventTypes)}
  ${checkbox('enabled', t('console.webhooks.enabled'), values.enabled)}
  ${errors.enabled ? html`<p class="error">${errors.enabled}</p>` : ''}`;
}

/** A new subscription: whose (a portal application or an organization the administrator sees), where, which events. */
export function newWebhookPage(t: Translate, input: { csrf: string; clients: OidcClientView[]; organizations: OrganizationView[]; values?: WebhookFormValues; errors?: WebhookFormErrors }): SafeHtml {
  const values = input.values ?? { target: '', url: '', description: '', eventTypes: [], enabled: true };
  const errors = input.errors ?? {};
  return html`${errorSummary(t, errors)}
<p>${t('console.webhooks.newIntro')}</p>
${form(
  '/admin/webhooks',
  input.csrf,
  html`${targetField(t, { clients: input.clients, organizations: input.organizations, value: values.target, error: errors.target })}
  ${commonFields(t, values, errors)}
  ${errors.form ? html`<p class="error" id="f-form">${errors.form}</p>` : ''}
  <div class="actions"><button type="submit" class="primary">${t('console.webhooks.create')}</button> <a href="/admin/webhooks">${t('console.cancel')}</a></div>`,
  { className: 'panel', id: 'webhook-form' },
)}`;
}

/** Changing a subscription's address, description, events or whether it is enabled (its owner stays). */
export function editWebhookPage(t: Translate, input: { csrf: string; subscription: WebhookSubscriptionView; values?: WebhookFormValues; errors?: WebhookFormErrors }): SafeHtml {
  const s = input.subscription;
  const values = input.values ?? { target: '', url: s.url, description: s.description, eventTypes: s.eventTypes === 'all' ? [] : s.eventTypes, enabled: s.enabled };
  const errors = input.errors ?? {};
  return html`${errorSummary(t, errors)}
<p>${ownerLabel(t, s)}</p>
${form(
  `${webhookHref(s.id)}/edit`,
  input.csrf,
  html`${commonFields(t, values, errors)}
  <p class="hint">${t('console.webhooks.editHint')}</p>
  ${errors.form ? html`<p class="error" id="f-form">${errors.form}</p>` : ''}
  <div class="actions"><button type="submit" class="primary">${t('console.save')}</button> <a href="${webhookHref(s.id)}">${t('console.cancel')}</a></div>`,
  { className: 'panel', id: 'webhook-form' },
)}`;
}

export function confirmWebhookDeletePage(t: Translate, input: { csrf: string; subscription: WebhookSubscriptionView }): SafeHtml {
  const s = input.subscription;
  return html`<p class="confirm-text">${t('console.webhooks.deleteIntro', { url: s.url, owner: ownerLabel(t, s) })}</p>
${form(
  `${webhookHref(s.id)}/delete`,
  input.csrf,
  html`<div class="actions"><button type="submit" class="danger" autofocus>${t('console.webhooks.deleteSubmit')}</button> <a href="${webhookHref(s.id)}">${t('console.cancel')}</a></div>`,
)}`;
}
