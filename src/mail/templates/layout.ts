import type { Locale } from '../../i18n/locales.js';
import { translate } from '../../i18n/translate.js';
import { mailColor, mailLogo, signature, type MailBrand, type SupportParts } from './brand.js';
import { escapeHtml } from './html.js';

/** What every email says, in the reader's language; the layouts below turn it into plain text and HTML. */
export interface MailContent {
  locale: Locale;
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; href: string } | undefined;
  ignore?: string | undefined;
  brand: MailBrand;
}

const TEXT = 'font-size:16px;line-height:1.5;margin:0 0 16px';
const SMALL = 'font-size:12px;line-height:1.5;color:#5b6670;margin:0 0 8px';

/** The plain-text part: the same words as the HTML, the links written out, no logo. */
export function textLayout(content: MailContent): string {
  const { sentBy, help } = signature(content.brand, content.locale);
  const { action, ignore } = content;
  return [
    content.greeting,
    '',
    ...content.paragraphs.flatMap((para) => [para, '']),
    ...(action ? [`${action.label}: ${action.href}`, ''] : []),
    ...(ignore ? [ignore, ''] : []),
    '--',
    sentBy,
    ...(help ? [help] : []),
    '',
  ].join('\n');
}

/** A support contact's parts, each a link where it has one (mailto:, tel:, an http(s) address), every text escaped. */
function supportHtml(parts: SupportParts, color: string): string {
  const link = (href: string, label: string) => `<a href="${escapeHtml(href)}" style="color:${color}">${escapeHtml(label)}</a>`;
  const out: string[] = [];
  if (parts.text) out.push(escapeHtml(parts.text));
  if (parts.email) out.push(link(`mailto:${parts.email}`, parts.email));
  if (parts.phone) out.push(link(`tel:${parts.phone.replace(/[^\d+]/g, '')}`, parts.phone));
  if (parts.url) out.push(/^https?:\/\//i.test(parts.url) ? link(parts.url, parts.url) : escapeHtml(parts.url));
  return out.join(' &middot; ');
}

/** The top of the email: the logo (its alt text the brand's name), else the brand's name as text; nothing for old mail. */
function headerHtml(brand: MailBrand, color: string): string {
  const logo = mailLogo(brand);
  const name = brand.name ?? brand.organization?.name;
  if (logo) {
    return `<tr><td style="padding:24px 32px 0"><img src="${escapeHtml(logo.url)}" alt="${escapeHtml(name ?? brand.product)}" width="${logo.width}" height="${logo.height}" style="display:block;border:0;width:${logo.width}px;height:${logo.height}px;max-width:100%;font-size:18px;font-weight:700;color:${color}"></td></tr>`;
  }
  return name ? `<tr><td style="padding:24px 32px 0;font-size:20px;line-height:1.3;font-weight:700;color:${color}">${escapeHtml(name)}</td></tr>` : '';
}

/**
 * The HTML part: one centred table (email clients lay tables out reliably), the brand's logo or name at the top, its
 * colour on the action button, the signature and the support contact at the bottom. Inline styles are what email
 * allows; the only brand value in them is the colour, checked to be #rrggbb. Every text is escaped. Readable with
 * images off: the logo's alt text is the brand's name, the button's link is written out below it.
 */
export function htmlLayout(content: MailContent): string {
  const { locale, brand, action, ignore } = content;
  const color = mailColor(brand);
  const contact = '\u0000';
  const { sentBy, help, support } = signature(brand, locale, contact);
  const helpHtml = help && support ? help.split(contact).map(escapeHtml).join(supportHtml(support, color)) : '';
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(content.subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f6f8;font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1b1f24">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f6f8"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background:#ffffff;border-top:4px solid ${color};border-radius:4px">
${headerHtml(brand, color)}
<tr><td style="padding:24px 32px">
<p style="${TEXT}">${escapeHtml(content.greeting)}</p>
${content.paragraphs.map((para) => `<p style="${TEXT}">${escapeHtml(para)}</p>`).join('\n')}
${action ? `<p style="margin:28px 0"><a href="${escapeHtml(action.href)}" style="background:${color};border:1px solid ${color};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600;display:inline-block">${escapeHtml(action.label)}</a></p>
<p style="font-size:13px;line-height:1.5;color:#4a5560;word-break:break-all;margin:0 0 16px">${escapeHtml(translate(locale, 'mail.linkBelow'))}<br>${escapeHtml(action.href)}</p>` : ''}
${ignore ? `<p style="font-size:14px;line-height:1.5;color:#4a5560;margin:0 0 16px">${escapeHtml(ignore)}</p>` : ''}
<hr style="border:none;border-top:1px solid #e1e5ea;margin:24px 0">
<p style="${SMALL}">${escapeHtml(sentBy)}</p>
${helpHtml ? `<p style="${SMALL}">${helpHtml}</p>` : ''}
</td></tr>
</table>
</td></tr></table>
</body></html>
`;
}
