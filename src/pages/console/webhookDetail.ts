import type { Translate } from '../../i18n/translate.js';
import type { WebhookDeliveryView } from '../../identity/webhooks/deliveryLog.js';
import type { WebhookSubscriptionView } from '../../identity/webhooks/subscriptionView.js';
import { form } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { textarea } from './directories.js';
import { when } from './format.js';
import { eventTypesText, ownerLabel, stateBadges, webhookHref } from './webhooks.js';

/** The statuses the delivery log can be filtered by, in the order a delivery goes through them. */
export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'failed'] as const satisfies ReadonlyArray<WebhookDeliveryView['status']>;

export interface DeliveryLogInput {
  deliveries: WebhookDeliveryView[];
  /** The status filtered by, or ''. */
  status: string;
  /** The next (older) page, or null on the last one. */
  olderHref: string | null;
  /** The first page, when this is an older one. */
  latestHref: string | null;
}

/** A signing secret just made (the subscription created, or its secret rotated): shown in this answer only. */
export interface NewSecret {
  secret: string;
  rotated: boolean;
  /** After a rotation: until when the previous secret still signs beside the new one; null when it stopped at once. */
  previousValidUntil: string | null;
}

export interface WebhookDetailInput {
  csrf: string;
  subscription: WebhookSubscriptionView;
  log: DeliveryLogInput;
  /** The grace period a rotation gives the previous secret (webhooks.secretGraceHours). */
  graceHours: number;
  newSecret?: NewSecret;
}

function secretNotice(t: Translate, secret: NewSecret): SafeHtml {
  return html`<div class="notice" role="status" data-testid="new-secret"><p><strong>${t(secret.rotated ? 'console.webhooks.secretRotated' : 'console.webhooks.secretNew')}</strong></p><p>${t('console.shownOnce')}</p>
  ${textarea({ name: 'newSecret', label: t('console.webhooks.signingSecret'), value: secret.secret, rows: 2, readonly: true, hint: t('console.webhooks.secretHint') })}
  ${secret.rotated ? html`<p>${secret.previousValidUntil ? html`${t('console.webhooks.previousValidUntil')} ${when(secret.previousValidUntil)}.` : t('console.webhooks.previousStopped')}</p>` : ''}</div>`;
}

/** What needs the administrator's attention: deliveries given up, a paused circuit, a disabled subscription. */
function stateNotice(t: Translate, s: WebhookSubscriptionView): SafeHtml {
  const failing = s.failingSince ? html`<div class="notice warning" data-testid="failing"><p><strong>${t('console.webhooks.failingTitle')}</strong></p><p>${t('console.webhooks.failingSince')} ${when(s.failingSince)}. ${t('console.webhooks.failingDetail')}</p></div>` : '';
  const paused = s.state === 'paused' ? html`<div class="notice warning"><p>${t('console.webhooks.pausedDetail', { failures: s.consecutiveFailures })} ${t('console.webhooks.pausedUntil')} ${when(s.pausedUntil)}.</p></div>` : '';
  const disabled = s.state === 'disabled' ? html`<div class="notice warning"><p>${t('console.webhooks.disabledDetail')}</p></div>` : '';
  return html`${failing}${paused}${disabled}`;
}

function facts(t: Translate, s: WebhookSubscriptionView): SafeHtml {
  return html`<dl class="facts wide" data-testid="webhook-facts">
  <dt>${t('console.webhooks.target')}</dt><dd>${ownerLabel(t, s)}</dd>
  <dt>${t('console.webhooks.url')}</dt><dd><code>${s.url}</code></dd>
  <dt>${t('console.webhooks.description')}</dt><dd>${s.description || '—'}</dd>
  <dt>${t('console.webhooks.events')}</dt><dd>${eventTypesText(t, s.eventTypes)}</dd>
  ${s.organizations ? html`<dt>${t('console.webhooks.limitedTo')}</dt><dd>${s.organizations.map((o) => o.slug).join(', ')}</dd>` : ''}
  <dt>${t('console.webhooks.stateHeading')}</dt><dd>${stateBadges(t, s)}${s.consecutiveFailures ? html` <span class="hint">${t('console.webhooks.consecutiveFailures', { count: s.consecutiveFailures })}</span>` : ''}</dd>
  <dt>${t('console.webhooks.signingSecret')}</dt><dd><code>${s.secretHint}</code>${s.previousSecretValidUntil ? html` <span class="hint">${t('console.webhooks.previousValidUntil')} ${when(s.previousSecretValidUntil)}</span>` : ''}</dd>
  <dt>${t('console.webhooks.createdAt')}</dt><dd>${when(s.createdAt)} · ${s.createdBy}</dd>
</dl>`;
}

function actions(t: Translate, input: WebhookDetailInput): SafeHtml {
  const href = webhookHref(input.subscription.id);
  return html`<div class="action-bar">
  <a class="button secondary" href="${href}/edit">${t('console.webhooks.edit')}</a>
  <a class="button danger" href="${href}/delete">${t('console.delete')}</a>
</div>
<details class="confirm-inline panel"><summary>${t('console.webhooks.rotate')}</summary>
  <p>${input.graceHours > 0 ? t('console.webhooks.rotateIntro', { hours: input.graceHours }) : t('console.webhooks.rotateIntroNoGrace')}</p>
  ${form(`${href}/rotate-secret`, input.csrf, html`<button type="submit" class="secondary">${t('console.webhooks.rotateSubmit')}</button>`)}
</details>`;
}

function responseCell(d: WebhookDeliveryView): SafeHtml {
  if (d.lastStatusCode !== null) return html`<code>${String(d.lastStatusCode)}</code>`;
  return d.lastError ? html`<span class="error">${d.lastError}</span>` : html`—`;
}

function deliveryRow(t: Translate, csrf: string, subscriptionId: string, d: WebhookDeliveryView): SafeHtml {
  return html`<tr data-delivery="${d.id}"><td><code>${d.event.type}</code></td><td><code>${d.event.id}</code></td>
  <td><span class="badge delivery-${d.status}">${t(`console.webhooks.delivery.${d.status}`)}</span></td><td>${String(d.attempts)}</td><td>${responseCell(d)}</td>
  <td>${d.lastDurationMs === null ? '—' : t('console.webhooks.ms', { ms: d.lastDurationMs })}</td><td>${d.responseExcerpt ? html`<code class="excerpt">${d.responseExcerpt}</code>` : '—'}</td>
  <td>${when(d.lastAttemptAt)}</td><td>${when(d.nextAttemptAt)}</td>
  <td>${form(`${webhookHref(subscriptionId)}/deliveries/${encodeURIComponent(d.id)}/send-again`, csrf, html`<button type="submit" class="secondary">${t('console.webhooks.sendAgain')}<span class="visually-hidden"> ${d.event.type} ${d.event.id}</span></button>`, { className: 'inline' })}</td></tr>`;
}

/** The delivery log: the latest events first, a page at a time, each delivery with "send again". */
function deliveryLog(t: Translate, input: WebhookDetailInput): SafeHtml {
  const log = input.log;
  const href = webhookHref(input.subscription.id);
  return html`<section aria-labelledby="deliveries-heading">
<h2 id="deliveries-heading">${t('console.webhooks.deliveries')}</h2>
<form method="get" action="${href}" class="row delivery-filter">
  <div class="field"><label for="f-status">${t('console.webhooks.deliveryStatus')}</label><select id="f-status" name="status"><option value="">${t('console.webhooks.anyStatus')}</option>${DELIVERY_STATUSES.map((s) => html`<option value="${s}"${s === log.status ? html` selected` : ''}>${t(`console.webhooks.delivery.${s}`)}</option>`)}</select></div>
  <div class="field submit"><button type="submit" class="secondary">${t('console.audit.filter')}</button></div>
</form>
${
  log.deliveries.length === 0
    ? html`<p>${t('console.webhooks.noDeliveries')}</p>`
    : html`<div class="table-wrap"><table data-testid="deliveries">
  <thead><tr><th scope="col">${t('console.webhooks.eventType')}</th><th scope="col">${t('console.webhooks.eventId')}</th><th scope="col">${t('console.webhooks.deliveryStatus')}</th><th scope="col">${t('console.webhooks.attempts')}</th><th scope="col">${t('console.webhooks.response')}</th><th scope="col">${t('console.webhooks.duration')}</th><th scope="col">${t('console.webhooks.excerpt')}</th><th scope="col">${t('console.webhooks.lastAttempt')}</th><th scope="col">${t('console.webhooks.nextAttempt')}</th><th scope="col"><span class="visually-hidden">${t('console.webhooks.sendAgain')}</span></th></tr></thead>
  <tbody>${log.deliveries.map((d) => deliveryRow(t, input.csrf, input.subscription.id, d))}</tbody>
</table></div>`
}
${log.olderHref || log.latestHref ? html`<p class="paging">${log.latestHref ? html`<a href="${log.latestHref}">${t('console.webhooks.latest')}</a>` : ''}${log.olderHref ? html`<a href="${log.olderHref}">${t('console.webhooks.older')}</a>` : ''}</p>` : ''}
</section>`;
}

/** A subscription: the secret just made (if any), what needs attention, its settings, its actions and its delivery log. */
export function webhookDetailPage(t: Translate, input: WebhookDetailInput): SafeHtml {
  return html`<p><a href="/admin/webhooks">${t('console.webhooks.backToList')}</a></p>
${input.newSecret ? secretNotice(t, input.newSecret) : ''}
${stateNotice(t, input.subscription)}
${facts(t, input.subscription)}
${actions(t, input)}
${deliveryLog(t, input)}`;
}
