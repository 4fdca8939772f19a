import type { Translate } from '../i18n/translate.js';
import { html, type SafeHtml } from './html.js';

export interface FieldInput {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'hidden';
  autocomplete?: string;
  value?: string;
  error?: string;
  hint?: string;
  required?: boolean;
  inputmode?: 'numeric' | 'text' | 'email';
  pattern?: string;
  maxlength?: number;
  autofocus?: boolean;
  readonly?: boolean;
}

/** A labelled input; its hint and error are tied to it with aria-describedby, and an error sets aria-invalid. */
export function field(input: FieldInput): SafeHtml {
  const id = `f-${input.name}`;
  const describedBy = [input.hint ? `${id}-hint` : '', input.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${input.error ? ' has-error' : ''}">
  <label for="${id}">${input.label}</label>
  ${input.hint ? html`<p class="hint" id="${id}-hint">${input.hint}</p>` : ''}
  ${input.error ? html`<p class="error" id="${id}-error">${input.error}</p>` : ''}
  <input id="${id}" name="${input.name}" type="${input.type ?? 'text'}"${input.autocomplete ? html` autocomplete="${input.autocomplete}"` : ''}${input.value !== undefined && input.type !== 'password' ? html` value="${input.value}"` : ''}${input.required ? html` required` : ''}${input.inputmode ? html` inputmode="${input.inputmode}"` : ''}${input.pattern ? html` pattern="${input.pattern}"` : ''}${input.maxlength ? html` maxlength="${String(input.maxlength)}"` : ''}${input.autofocus ? html` autofocus` : ''}${input.readonly ? html` readonly` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${input.error ? html` aria-invalid="true"` : ''}>
</div>`;
}

export function hidden(name: string, value: string): SafeHtml {
  return html`<input type="hidden" name="${name}" value="${value}">`;
}

/** Errors listed at the top of a form, each linking to its field; focused on load so screen readers announce it. */
export function errorSummary(t: Translate, errors: Record<string, string | undefined>): SafeHtml {
  const entries = Object.entries(errors).filter((e): e is [string, string] => Boolean(e[1]));
  if (entries.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
  <h2 id="error-summary-title">${t('layout.errorSummary')}</h2>
  <ul>${entries.map(([name, message]) => html`<li><a href="#f-${name}">${message}</a></li>`)}</ul>
</div>`;
}

export function form(action: string, csrf: string, content: SafeHtml | SafeHtml[], options: { id?: string; className?: string } = {}): SafeHtml {
  return html`<form method="post" action="${action}" novalidate${options.id ? html` id="${options.id}"` : ''}${options.className ? html` class="${options.className}"` : ''}>
  <input type="hidden" name="_csrf" value="${csrf}">
  ${content}
</form>`;
}

export function submit(label: string): SafeHtml {
  return html`<button type="submit" class="primary">${label}</button>`;
}
