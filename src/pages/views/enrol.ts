import type { Translate } from '../../i18n/translate.js';
import { errorSummary, field, form, submit } from '../forms.js';
import { html, raw, type SafeHtml } from '../html.js';

/** TOTP enrolment: the QR code (an inline SVG made by us from the otpauth URI) and the key as text. */
export function enrolment(t: Translate, input: { csrf: string; action: string; qrSvg: string; secret: string; account: string; required: boolean; error?: string }): SafeHtml {
  const grouped = input.secret.match(/.{1,4}/g)?.join(' ') ?? input.secret;
  return html`${errorSummary(t, { code: input.error })}
${input.required ? html`<p>${t('enrol.required')}</p>` : ''}
<ol class="steps">
  <li>${t('enrol.step1')}</li>
  <li>${t('enrol.step2')}
    <span class="qr" role="img" aria-label="${t('enrol.qrAlt')}">${raw(input.qrSvg)}</span>
    <dl class="facts"><dt>${t('enrol.key')}</dt><dd><code class="secret" data-testid="totp-secret">${grouped}</code></dd><dt>${t('enrol.account')}</dt><dd>${input.account}</dd></dl>
  </li>
  <li>${t('enrol.step3')}</li>
</ol>
${form(input.action, input.csrf, [
  field({ name: 'code', label: t('totp.code'), autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9 ]*', maxlength: 8, required: true, autofocus: true, ...(input.error ? { error: input.error } : {}) }),
  submit(t('enrol.submit')),
])}`;
}

export function recoveryCodes(t: Translate, input: { codes: string[]; continueTo: string }): SafeHtml {
  return html`<p>${t('recovery.intro')}</p>
<ol class="codes" data-testid="recovery-codes">${input.codes.map((code) => html`<li><code>${code}</code></li>`)}</ol>
<p class="actions"><a class="button" href="${input.continueTo}">${t('recovery.continue')}</a></p>`;
}
