import type { Translate } from '../../i18n/translate.js';
import type { UserStatus } from '../../identity/statusMachine.js';
import type { UserView } from '../../identity/userView.js';
import { html, type SafeHtml } from '../html.js';

/** "2026-05-01 14:03" in UTC inside a <time>, or a dash. */
export function when(iso: string | null | undefined): SafeHtml {
  if (!iso) return html`<span aria-label="—">—</span>`;
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')}</time>`;
}

export function statusBadge(t: Translate, status: UserStatus): SafeHtml {
  return html`<span class="badge status-${status.toLowerCase()}">${t(`console.status.${status}`)}</span>`;
}

/** The name to call a user by in messages and headings. */
export function userLabel(user: { name: Pick<UserView['name'], 'givenName' | 'familyName'>; displayName: string | null; userName: string }): string {
  return [user.name.givenName, user.name.familyName].filter(Boolean).join(' ') || user.displayName || user.userName;
}

export function primaryPhone(user: UserView): string | null {
  return user.phoneNumbers.find((p) => p.primary)?.value ?? user.phoneNumbers[0]?.value ?? null;
}
