import { escapeHtml } from '../mail/templates/html.js';

/** HTML that is already safe: only `html` templates and `raw` (for trusted markup such as a QR code SVG) make it. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof SafeHtml) return value.value;
  return escapeHtml(value);
}

/** A template literal whose interpolations are escaped unless they are SafeHtml: markup cannot be injected. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}
