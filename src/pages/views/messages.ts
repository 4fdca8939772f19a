import type { Translate } from '../../i18n/translate.js';
import { html, type SafeHtml } from '../html.js';

export function message(text: string, link?: { href: string; label: string }): SafeHtml {
  return html`<p>${text}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}`;
}

export function serverError(t: Translate, requestId: string): SafeHtml {
  return message(t('error.server', { requestId }));
}
