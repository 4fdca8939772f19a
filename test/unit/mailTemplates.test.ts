import { renderMail, TEMPLATES, type TemplateData, type TemplateName } from '../../src/mail/templates/render.js';

const SAMPLE: { [T in TemplateName]: TemplateData[T] } = {
  activation: { name: 'Ana', link: 'https://id.example.com/activate?token=abc', hours: 168 },
  password_reset: { name: 'Ana', link: 'https://id.example.com/password/reset?token=abc', hours: 6 },
  password_reset_admin: { name: 'Ana', link: 'https://id.example.com/password/reset?token=abc', hours: 6 },
  password_changed: { name: 'Ana', when: '2026-03-01T10:15:00.000Z', link: 'https://id.example.com/sign-in' },
  account_locked: { name: 'Ana', when: '2026-03-01T10:15:00.000Z', unlockMinutes: 30, link: 'https://id.example.com/password/forgot' },
  mfa_reset: { name: 'Ana', link: 'https://id.example.com/sign-in' },
  expiry_reminder: { name: 'Ana', days: 30, date: '2026-04-01T00:00:00.000Z', link: 'https://id.example.com/account' },
  deactivated: { name: 'Ana' },
  removed_from_organization: { name: 'Ana', organization: 'River Water' },
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
    expect(renderMail('activation', 'es', SAMPLE.activation).subject).toBe('Su cuenta está lista');
    expect(renderMail('activation', 'en', SAMPLE.activation).subject).toBe('Your account has been set up');
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
