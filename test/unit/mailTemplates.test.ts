import { formatDuration } from '../../src/mail/templates/brand.js';
import { renderMail, TEMPLATES, type MailBrand, type TemplateData, type TemplateName } from '../../src/mail/templates/render.js';
import { senderOf } from '../../src/mail/transport.js';

const SAMPLE: { [T in TemplateName]: TemplateData[T] } = {
  activation: { name: 'Ana', link: 'https://id.example.com/activate?token=abc', hours: 168 },
  password_reset: { name: 'Ana', link: 'https://id.example.com/password/reset?token=abc', hours: 6 },
  password_reset_admin: { name: 'Ana', link: 'https://id.example.com/password/reset?token=abc', hours: 6 },
  password_changed: { name: 'Ana', when: '2026-03-01T10:15:00.000Z', link: 'https://id.example.com/sign-in' },
  account_locked: { name: 'Ana', when: '2026-03-01T10:15:00.000Z', unlockMinutes: 30, link: 'https://id.example.com/password/forgot' },
  mfa_reset: { name: 'Ana', link: 'https://id.example.com/sign-in' },
  expiry_reminder: { name: 'Ana', days: 30, date: '2026-04-01T00:00:00.000Z', link: 'https://id.example.com/password/reset?token=abc', hours: 6 },
  deactivated: { name: 'Ana' },
  removed_from_organization: { name: 'Ana', organization: 'River Water' },
  added_to_organization: { name: 'Ana', organization: 'River Water', role: 'Viewer', link: 'https://id.example.com/sign-in' },
  webhook_failed: { name: 'Ana', description: 'Portal sync', url: 'https://portal.example.com/events', eventType: 'user.deactivated', attempts: 9, hours: 24 },
};

describe('renderMail', () => {
  it.each(TEMPLATES.flatMap((template) => (['en', 'es'] as const).map((locale) => [template, locale] as const)))('renders %s in %s with a subject, plain text and HTML', (template, locale) => {
    const mail = renderMail(template, locale, SAMPLE[template] as never);
    expect(mail.subject.length).toBeGreaterThan(5);
    expect(mail.text).toContain(locale === 'es' ? 'Hola Ana' : 'Hello Ana');
    expect(mail.html).toContain(`<html lang="${locale}">`);
    const link = (SAMPLE[template] as { link?: string }).link;
    if (link) {
      expect(mail.text).toContain(link);
      expect(mail.html).toContain(`href="${link}"`);
    }
  });

  it('writes Spanish that differs from English', () => {
    expect(renderMail('activation', 'es', SAMPLE.activation, 'Customer Portal').subject).toBe('Su cuenta de Customer Portal está lista');
    expect(renderMail('activation', 'en', SAMPLE.activation, 'Customer Portal').subject).toBe('Your Customer Portal account has been set up');
  });

  it('formats dates for the reader, in UTC', () => {
    expect(renderMail('password_changed', 'en', SAMPLE.password_changed).text).toContain('1 March 2026 at 10:15 UTC');
    expect(renderMail('password_changed', 'es', SAMPLE.password_changed).text).toContain('1 de marzo de 2026');
  });

  it('says how a locked account unlocks: by itself, or by an administrator', () => {
    expect(renderMail('account_locked', 'en', SAMPLE.account_locked).text).toContain('It unlocks by itself after 30 minutes.');
    expect(renderMail('account_locked', 'en', { ...SAMPLE.account_locked, unlockMinutes: 0 }).text).toContain('Your administrator can unlock it.');
  });

  it('escapes what it puts into HTML', () => {
    const mail = renderMail('removed_from_organization', 'en', { name: '<b>Ana</b>', organization: 'R&D <script>alert(1)</script>' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('R&amp;D &lt;script&gt;');
    expect(mail.html).toContain('&lt;b&gt;Ana&lt;/b&gt;');
  });
});

describe('what emails name', () => {
  const river: MailBrand = { product: 'Customer Portal', organization: { name: 'River Water', support: { email: 'help@river.example', phone: '+1 555 010 0199' } } };

  it('says durations of 48 hours or more in days, in both languages', () => {
    expect([1, 6, 47, 48, 72, 168, 60].map((hours) => formatDuration(hours, 'en'))).toEqual(['1 hour', '6 hours', '47 hours', '2 days', '3 days', '7 days', '2 days and 12 hours']);
    expect([1, 6, 168, 25 + 48].map((hours) => formatDuration(hours, 'es'))).toEqual(['1 hora', '6 horas', '7 días', '3 días y 1 hora']);
    expect(renderMail('activation', 'en', { ...SAMPLE.activation, brand: river }).text).toContain('choose your password within 7 days.');
    expect(renderMail('activation', 'es', { ...SAMPLE.activation, brand: river }).text).toContain('elija su contraseña en un plazo de 7 días.');
    expect(renderMail('password_reset', 'en', { ...SAMPLE.password_reset, hours: 48, brand: river }).text).toContain('The link is valid for 2 days.');
    expect(renderMail('expiry_reminder', 'en', { ...SAMPLE.expiry_reminder, days: 1, brand: river }).subject).toBe('Your Customer Portal password expires in 1 day');
  });

  it('names the organization and the product in subjects, bodies and the signature, never idbridge', () => {
    const mail = renderMail('activation', 'en', { ...SAMPLE.activation, brand: river });
    expect(mail.subject).toBe('River Water has set up your Customer Portal account');
    expect(mail.text).toContain('River Water has created a Customer Portal account for you. Activate it to start using Customer Portal');
    expect(mail.text).toContain('Sent on behalf of River Water by Customer Portal.');
    expect(mail.text).toContain('Need help? Contact River Water: help@river.example · +1 555 010 0199');
    expect(mail.html).toContain('Sent on behalf of River Water by Customer Portal.');
    for (const template of TEMPLATES) {
      for (const locale of ['en', 'es'] as const) {
        const rendered = renderMail(template, locale, { ...(SAMPLE[template] as object), brand: river } as never);
        expect(`${rendered.subject}\n${rendered.text}`).not.toContain('idbridge');
        expect(rendered.text).toContain('River Water');
      }
    }
    expect(renderMail('deactivated', 'es', { name: 'Ana', brand: river }).text).toContain('Contacte con su administrador de River Water');
  });

  it('signs with the product alone when the user belongs to no organization', () => {
    const mail = renderMail('password_changed', 'en', { ...SAMPLE.password_changed, brand: { product: 'Customer Portal' } });
    expect(mail.subject).toBe('Your Customer Portal password has been changed');
    expect(mail.text).toContain('Sent by Customer Portal.');
    expect(mail.text).not.toContain('Need help?');
  });
});

describe('the brand in an email', () => {
  const brand: MailBrand = { product: 'River Online', name: 'River Water', organization: { name: 'River Water', support: { email: 'help@river.example', url: 'https://help.river.example/' } }, color: '#00607A', logo: { url: 'https://id.example.com/brand/river/logo-0123456789abcdef.png', width: 600, height: 120 }, senderName: 'River Water' };

  it('shows the logo fitted into its box with the brand name as alt text in HTML, and no logo in the text part', () => {
    const mail = renderMail('mfa_reset', 'en', { ...SAMPLE.mfa_reset, brand });
    expect(mail.html).toContain('<img src="https://id.example.com/brand/river/logo-0123456789abcdef.png" alt="River Water" width="200" height="40"');
    expect(mail.text).not.toContain('logo');
    expect(mail.html).toContain('style="background:#00607a;');
    expect(mail.html).toContain('<a href="mailto:help@river.example" style="color:#00607a">help@river.example</a>');
    expect(mail.text).toContain('Need help? Contact River Water: help@river.example · https://help.river.example/');
  });

  it('never puts a colour other than #rrggbb into a style, nor a logo address other than http(s)', () => {
    const mail = renderMail('mfa_reset', 'en', { ...SAMPLE.mfa_reset, brand: { ...brand, color: 'red;background:url(https://evil.example/)', logo: { url: 'javascript:alert(1)', width: 10, height: 10 } } });
    expect(mail.html).not.toContain('evil.example');
    expect(mail.html).not.toContain('javascript:');
    expect(mail.html).toContain('style="background:#0b5cad;');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('color:#0b5cad">River Water</td>');
  });

  it('renders an email queued before brands had more than a product and an organization', () => {
    const mail = renderMail('deactivated', 'en', { name: 'Ana', brand: { product: 'Customer Portal', organization: { name: 'River Water', support: {} } } });
    expect(mail.text).toContain('Sent on behalf of River Water by Customer Portal.');
    expect(mail.html).toContain('color:#0b5cad">River Water</td>');
  });
});

describe('senderOf', () => {
  it('keeps MAIL_FROM without a sender name, and puts the name on its address otherwise, without line breaks', () => {
    expect(senderOf('idbridge <no-reply@idbridge.local>')).toBe('idbridge <no-reply@idbridge.local>');
    expect(senderOf('idbridge <no-reply@idbridge.local>', '  ')).toBe('idbridge <no-reply@idbridge.local>');
    expect(senderOf('"Acme, Inc." <mail@acme.example>', "Lake Énergie, d'Eau")).toEqual({ name: "Lake Énergie, d'Eau", address: 'mail@acme.example' });
    expect(senderOf('no-reply@idbridge.local', 'A\r\nBcc: b@example.com')).toEqual({ name: 'A Bcc: b@example.com', address: 'no-reply@idbridge.local' });
  });
});
