import type { Translate } from '../../i18n/translate.js';
import type { SamlSettingsView } from '../../identity/saml/settings.js';
import type { DirectoryView } from '../../identity/directories.js';
import type { OrganizationView } from '../../identity/organizations.js';
import type { ProvisioningHealthView, ScimAnswerCount } from '../../identity/provisioningHealth/read.js';
import type { ScimTokenView } from '../../identity/scimTokens.js';
import { errorSummary, field, form } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { when } from './format.js';

export interface DirectoryPageInput {
  csrf: string;
  directory: DirectoryView;
  organizations: OrganizationView[];
  saml: SamlSettingsView | null;
  /** The SP addresses and metadata XML (SSO directories). */
  sp: { entityId: string; acsUrl: string; sloUrl: string; metadataUrl: string; metadataXml: string } | null;
  scimUrl: string;
  tokens: ScimTokenView[];
  /** What its IdP asked of SCIM lately (provisioning health). */
  health: ProvisioningHealthView;
  /** A token just created: shown on this page only. */
  newToken?: { name: string; token: string };
  samlErrors?: Record<string, string | undefined>;
}

export function checkbox(name: string, label: string, checked: boolean): SafeHtml {
  return html`<div class="field checkbox"><input type="checkbox" id="f-${name}" name="${name}" value="yes"${checked ? html` checked` : ''}> <label for="f-${name}" class="inline-label">${label}</label></div>`;
}

export function textarea(input: { name: string; label: string; value: string; rows?: number; hint?: string; readonly?: boolean; error?: string }): SafeHtml {
  const id = `f-${input.name}`;
  const describedBy = [input.hint ? `${id}-hint` : '', input.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${input.error ? ' has-error' : ''}"><label for="${id}">${input.label}</label>
  ${input.hint ? html`<p class="hint" id="${id}-hint">${input.hint}</p>` : ''}
  ${input.error ? html`<p class="error" id="${id}-error">${input.error}</p>` : ''}
  <textarea id="${id}" name="${input.name}" rows="${String(input.rows ?? 4)}" spellcheck="false"${input.readonly ? html` readonly` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${input.error ? html` aria-invalid="true"` : ''}>${input.value}</textarea></div>`;
}

/** Every directory, and a form for a new SSO directory. */
export function directoryListPage(t: Translate, input: { csrf: string; directories: DirectoryView[]; organizations: OrganizationView[] }): SafeHtml {
  return html`<div class="table-wrap"><table>
  <thead><tr><th scope="col">${t('console.dirs.name')}</th><th scope="col">${t('console.dirs.kind')}</th><th scope="col">${t('console.dirs.organizations')}</th></tr></thead>
  <tbody>${input.directories.map(
    (d) => html`<tr><th scope="row"><a href="/admin/directories/${d.name}">${d.name}</a></th><td>${t(d.kind === 'local' ? 'console.dirs.kind.local' : 'console.dirs.kind.sso')}</td><td>${d.organizations.map((o) => o.name).join(', ') || '—'}</td></tr>`,
  )}</tbody>
</table></div>
<h2>${t('console.dirs.create')}</h2>
${form(
  '/admin/directories',
  input.csrf,
  html`<div class="row">${field({ name: 'name', label: t('console.dirs.name'), hint: t('console.dirs.nameHint'), required: true, maxlength: 64, autocomplete: 'off' })}
  <div class="field"><label for="f-organization">${t('console.form.organization')}</label><select id="f-organization" name="organization"><option value="">${t('console.none')}</option>${input.organizations.map((o) => html`<option value="${o.slug}">${o.name}</option>`)}</select></div>
  <div class="field submit"><button type="submit" class="secondary">${t('console.create')}</button></div></div>`,
  { className: 'panel' },
)}`;
}

function spSection(t: Translate, input: DirectoryPageInput): SafeHtml {
  if (!input.sp) return html``;
  const sp = input.sp;
  return html`<section class="panel" aria-labelledby="sp-heading">
<h2 id="sp-heading">${t('console.dirs.sp')}</h2>
<p>${t('console.dirs.spIntro')}</p>
<dl class="facts wide">
  <dt>${t('console.dirs.entityId')}</dt><dd><code>${sp.entityId}</code></dd>
  <dt>${t('console.dirs.acsUrl')}</dt><dd><code>${sp.acsUrl}</code></dd>
  <dt>${t('console.dirs.sloUrl')}</dt><dd><code>${sp.sloUrl}</code></dd>
  <dt>${t('console.dirs.metadataUrl')}</dt><dd><code>${sp.metadataUrl}</code></dd>
  <dt>${t('console.dirs.scimUrl')}</dt><dd><code>${input.scimUrl}</code></dd>
</dl>
${textarea({ name: 'spMetadata', label: t('console.dirs.metadata'), value: sp.metadataXml, rows: 9, readonly: true, hint: t('console.copyHint') })}
</section>`;
}

function samlSection(t: Translate, input: DirectoryPageInput): SafeHtml {
  const saml = input.saml;
  const e = input.samlErrors ?? {};
  return html`<section class="panel" aria-labelledby="saml-heading">
<h2 id="saml-heading">${t('console.dirs.saml')}</h2>
${saml ? html`<dl class="facts wide">
  <dt>${t('console.dirs.idpEntityId')}</dt><dd><code>${saml.idp.entityId}</code></dd>
  <dt>${t('console.dirs.idpSsoUrl')}</dt><dd><code>${saml.idp.ssoUrl}</code></dd>
  <dt>${t('console.dirs.idpCertificates')}</dt><dd>${saml.idp.certificates.map((c, i) => html`${i ? html`<br>` : ''}${c.subject} · SHA-256 <code>${c.fingerprintSha256}</code> · ${when(c.validTo)}`)}</dd>
  <dt>${t('console.dirs.domains')}</dt><dd>${saml.domains.join(', ') || '—'}</dd>
</dl>` : html`<p>${t('console.dirs.samlNone')}</p>`}
${errorSummary(t, e)}
${form(
  `/admin/directories/${input.directory.name}/saml`,
  input.csrf,
  html`${textarea({ name: 'metadata', label: t('console.dirs.idpMetadata'), hint: t('console.dirs.idpMetadataHint'), value: '', rows: 5, ...(e.metadata ? { error: e.metadata } : {}) })}
<div class="two-columns">
  ${field({ name: 'entityId', label: t('console.dirs.idpEntityId'), value: saml?.idp.entityId ?? '', maxlength: 1024, autocomplete: 'off', ...(e.entityId ? { error: e.entityId } : {}) })}
  ${field({ name: 'ssoUrl', label: t('console.dirs.idpSsoUrl'), value: saml?.idp.ssoUrl ?? '', maxlength: 1024, autocomplete: 'off', ...(e.ssoUrl ? { error: e.ssoUrl } : {}) })}
</div>
${textarea({ name: 'certificates', label: t('console.dirs.idpCertificates'), value: '', rows: 4, hint: 'PEM', ...(e.certificates ? { error: e.certificates } : {}) })}
<div class="field"><label for="f-matchAttribute">${t('console.dirs.matchAttribute')}</label><select id="f-matchAttribute" name="matchAttribute">${(['userName', 'email', 'externalId'] as const).map((m) => html`<option value="${m}"${saml?.matchAttribute === m ? html` selected` : ''}>${m}</option>`)}</select></div>
${checkbox('allowIdpInitiated', t('console.dirs.allowIdpInitiated'), saml?.allowIdpInitiated ?? false)}
${checkbox('jit', t('console.dirs.jit'), saml?.jit ?? false)}
${textarea({ name: 'domains', label: t('console.dirs.domains'), hint: t('console.dirs.domainsHint'), value: saml?.domains.join('\n') ?? '', rows: 3, ...(e.domains ? { error: e.domains } : {}) })}
<div class="actions"><button type="submit" class="primary">${t('console.dirs.samlSave')}</button></div>`,
)}
</section>`;
}

function tokenSection(t: Translate, input: DirectoryPageInput): SafeHtml {
  return html`<section class="panel" aria-labelledby="tokens-heading">
<h2 id="tokens-heading">${t('console.dirs.scimTokens')}</h2>
${input.newToken ? html`<div class="notice" role="status"><p><strong>${t('console.dirs.newToken')}: ${input.newToken.name}</strong></p><p>${t('console.shownOnce')}</p>
  ${textarea({ name: 'newToken', label: t('console.dirs.newToken'), value: input.newToken.token, rows: 2, readonly: true })}</div>` : ''}
${input.tokens.length === 0 ? html`<p>${t('console.dirs.noTokens')}</p>` : tokenTable(t, input.csrf, input.tokens, (id) => `/admin/scim-tokens/${id}/revoke`)}
${form(
  `/admin/directories/${input.directory.name}/scim-tokens`,
  input.csrf,
  html`<div class="row">${field({ name: 'name', label: t('console.dirs.tokenName'), maxlength: 100, autocomplete: 'off' })}${field({ name: 'expiresInDays', label: t('console.dirs.tokenExpires'), inputmode: 'numeric', maxlength: 4, value: '365' })}
  <div class="field submit"><button type="submit" class="secondary">${t('console.dirs.tokenCreate')}</button></div></div>`,
)}
</section>`;
}

/** A table of tokens (SCIM or API) with a revoke button for the active ones. */
export function tokenTable(t: Translate, csrf: string, tokens: Array<{ id: string; name: string; hint: string; createdAt: string; expiresAt: string | null; lastUsedAt: string | null; state: 'active' | 'expired' | 'revoked' }>, revokeAction: (id: string) => string): SafeHtml {
  return html`<div class="table-wrap"><table data-testid="tokens">
  <thead><tr><th scope="col">${t('console.dirs.tokenName')}</th><th scope="col">${t('console.dirs.tokenHint')}</th><th scope="col">${t('console.col.createdAt')}</th><th scope="col">${t('console.dirs.tokenExpiresAt')}</th><th scope="col">${t('console.dirs.tokenLastUsed')}</th><th scope="col">${t('console.dirs.tokenState')}</th><th scope="col"><span class="visually-hidden">${t('console.revoke')}</span></th></tr></thead>
  <tbody>${tokens.map(
    (token) => html`<tr><th scope="row">${token.name}</th><td><code>${token.hint}</code></td><td>${when(token.createdAt)}</td><td>${when(token.expiresAt)}</td><td>${when(token.lastUsedAt)}</td><td>${t(`console.state.${token.state}`)}</td>
    <td>${token.state === 'active' ? form(revokeAction(token.id), csrf, html`<button type="submit" class="secondary">${t('console.revoke')}<span class="visually-hidden"> ${token.name}</span></button>`, { className: 'inline' }) : ''}</td></tr>`,
  )}</tbody>
</table></div>`;
}

function organizationsSection(t: Translate, input: DirectoryPageInput): SafeHtml {
  const linked = new Set(input.directory.organizations.map((o) => o.id));
  const unlinked = input.organizations.filter((o) => !linked.has(o.id));
  return html`<section class="panel" aria-labelledby="orgs-heading">
<h2 id="orgs-heading">${t('console.dirs.organizations')}</h2>
${input.directory.organizations.length ? html`<ul class="linked">${input.directory.organizations.map(
    (o) => html`<li>${o.name} ${form(`/admin/directories/${input.directory.name}/organizations/${o.slug}/unlink`, input.csrf, html`<button type="submit" class="link">${t('console.dirs.unlink')}<span class="visually-hidden"> ${o.name}</span></button>`, { className: 'inline' })}</li>`,
  )}</ul>` : html`<p>${t('console.none')}</p>`}
${unlinked.length ? form(`/admin/directories/${input.directory.name}/organizations`, input.csrf, html`<div class="row"><div class="field"><label for="f-link">${t('console.dirs.link')}</label><select id="f-link" name="organization">${unlinked.map((o) => html`<option value="${o.slug}">${o.name}</option>`)}</select></div><div class="field submit"><button type="submit" class="secondary">${t('console.dirs.linkSubmit')}</button></div></div>`) : ''}
</section>`;
}

function answerLabel(t: Translate, count: ScimAnswerCount): string {
  if (count.kind === '2xx') return t('console.dirs.health2xx');
  if (count.kind === '3xx') return t('console.dirs.health3xx');
  return count.scimType ? `${count.status ?? ''} ${count.scimType}` : String(count.status ?? count.kind);
}

/** When the IdP last called, what it asked in the last 24 hours by answer, its last errors, and a warning if quiet. */
function healthSection(t: Translate, input: DirectoryPageInput): SafeHtml {
  const health = input.health;
  const { total, failed, byKind } = health.requests;
  return html`<section class="panel" aria-labelledby="health-heading" data-testid="provisioning-health">
<h2 id="health-heading">${t('console.dirs.health')}</h2>
<p>${t('console.dirs.healthIntro')}</p>
${health.warning ? html`<div class="notice warning" role="status"><p>${t('console.dirs.healthQuiet', { minutes: String(health.warning.quietMinutes), cycle: String(health.expectedCycleMinutes) })}</p></div>` : ''}
<dl class="facts wide">
  <dt>${t('console.dirs.healthLast')}</dt><dd>${health.lastRequestAt ? when(health.lastRequestAt) : t('console.dirs.healthNever')}</dd>
  <dt>${t('console.dirs.healthRequests')}</dt><dd>${String(total)}${failed ? html` (${String(failed)} ${t('console.dirs.healthFailed')})` : ''}</dd>
</dl>
${total === 0 ? html`<p>${t('console.dirs.healthNone')}</p>` : html`<div class="table-wrap"><table data-testid="scim-answers">
  <thead><tr><th scope="col">${t('console.dirs.healthAnswer')}</th><th scope="col">${t('console.dirs.healthCount')}</th></tr></thead>
  <tbody>${byKind.map((c) => html`<tr><th scope="row">${answerLabel(t, c)}</th><td>${String(c.count)}</td></tr>`)}</tbody>
</table></div>`}
<h3>${t('console.dirs.healthErrors')}</h3>
${health.recentErrors.length === 0 ? html`<p>${t('console.dirs.healthNoErrors')}</p>` : html`<div class="table-wrap"><table data-testid="scim-errors">
  <thead><tr><th scope="col">${t('console.dirs.healthWhen')}</th><th scope="col">${t('console.dirs.healthRequest')}</th><th scope="col">${t('console.dirs.healthStatus')}</th><th scope="col">${t('console.dirs.healthDetail')}</th></tr></thead>
  <tbody>${health.recentErrors.map((e) => html`<tr><td>${when(e.at)}</td><td><code>${e.method} ${e.path}</code></td><td>${String(e.status)}${e.scimType ? html` ${e.scimType}` : ''}</td><td>${e.detail ?? ''}</td></tr>`)}</tbody>
</table></div>`}
</section>`;
}

/** One directory: what to give the IdP, its SAML settings, the organizations it serves and its SCIM tokens. */
export function directoryPage(t: Translate, input: DirectoryPageInput): SafeHtml {
  return html`<p><a href="/admin/directories">← ${t('console.nav.directories')}</a></p>
<p>${t(input.directory.kind === 'local' ? 'console.dirs.kind.local' : 'console.dirs.kind.sso')}</p>
${spSection(t, input)}
${input.directory.kind === 'sso' ? samlSection(t, input) : ''}
${organizationsSection(t, input)}
${tokenSection(t, input)}
${healthSection(t, input)}`;
}
