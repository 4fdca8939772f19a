import type { Translate } from '../../i18n/translate.js';
import type { OrganizationView } from '../../identity/organizations.js';
import { form } from '../forms.js';
import { html, type SafeHtml } from '../html.js';

const PARTS = [
  { key: 'text', type: 'text', maxlength: 300, autocomplete: 'off' },
  { key: 'email', type: 'email', maxlength: 254, autocomplete: 'off' },
  { key: 'phone', type: 'tel', maxlength: 40, autocomplete: 'off' },
  { key: 'url', type: 'url', maxlength: 500, autocomplete: 'off' },
] as const;

/**
 * An organization's support contact in the organizations table: what is set, and for platform administrators a small
 * form (in a disclosure, so the table stays readable) that replaces it; an empty field clears that part.
 */
export function supportCell(t: Translate, org: OrganizationView, input: { csrf: string; mayEdit: boolean }): SafeHtml {
  const support = org.support ?? {};
  const shown = PARTS.map((p) => support[p.key]).filter((v): v is string => !!v);
  const summary = shown.length ? html`${shown.join(' · ')}` : html`<span class="hint">${t('console.orgs.supportNone')}</span>`;
  if (!input.mayEdit) return summary;
  const id = (key: string) => `f-support-${org.slug}-${key}`;
  return html`${summary}
<details><summary>${t('console.orgs.supportEdit')}<span class="visually-hidden">: ${org.name}</span></summary>
${form(
  `/admin/organizations/${encodeURIComponent(org.slug)}/support`,
  input.csrf,
  html`${PARTS.map(
    (p) => html`<div class="field"><label for="${id(p.key)}">${t(`console.orgs.support.${p.key}`)}</label>
  <input id="${id(p.key)}" name="${p.key}" type="${p.type}" maxlength="${String(p.maxlength)}" autocomplete="${p.autocomplete}" value="${support[p.key] ?? ''}"></div>`,
  )}
<div class="actions"><button type="submit" class="secondary">${t('console.orgs.supportSave')}</button></div>`,
)}
</details>`;
}
