import { checkPassword, personalWords, sharesRun, type PasswordContext, type PersonalWordSource } from '../../src/identity/credentials/passwordPolicy.js';
import { describePasswordProblem } from '../../src/identity/credentials/passwords.js';
import { translate, translator } from '../../src/i18n/translate.js';

const rules = { minLength: 8, maxLength: 128, minStrength: 3 };
const ada = { userName: 'ada.lovelace@example.com', email: 'ada.lovelace@example.com', givenName: 'Ada', familyName: 'Lovelace', organizationNames: ['River Water'] };
const codes = (password: string, context = {}) => checkPassword(password, rules, context).map((p) => p.code);

describe('checkPassword', () => {
  it('accepts a long, unrelated passphrase', () => {
    expect(codes('glacier tuba orchid 1987 spoon', ada)).toEqual([]);
  });

  it('refuses passwords shorter than the minimum, counting characters rather than bytes', () => {
    expect(codes('Zq9#fT2', ada)).toEqual(['too_short']);
    expect(codes('ñandú⚡ü', ada)).toContain('too_short');
  });

  it('accepts 128 characters and refuses more, never truncating', () => {
    const long = 'correct horse battery staple '.repeat(5).slice(0, 128);
    expect(codes(long.replace(/ {2,}/g, ' '), ada)).not.toContain('too_long');
    expect(codes(`${long}x`, ada)).toEqual(['too_long']);
  });

  it('refuses three identical characters in a row', () => {
    expect(codes('glacier tuuuba orchid spoon', ada)).toEqual(['repeated_characters']);
  });

  it('refuses the name, email, userName or an organization name inside the password, ignoring case', () => {
    expect(codes('LOVELACE-glacier-spoon-88', ada)).toEqual(['contains_personal_info']);
    expect(codes('tuba-riverwater-spoon-88', { ...ada, organizationNames: ['riverwater'] })).toEqual(['contains_personal_info']);
    expect(codes('tuba ada.lovelace orchid', ada)).toEqual(['contains_personal_info']);
  });

  it('refuses guessable passwords, with a hint', () => {
    const problems = checkPassword('password123', rules, ada);
    expect(problems).toEqual([{ code: 'too_guessable', params: { hint: expect.any(String) } }]);
    expect(codes('qwertyuiop', ada)).toEqual(['too_guessable']);
  });

  it('refuses a new password that shares a run of 4 characters with the current one', () => {
    expect(codes('glacier tuba orchid 1987', { ...ada, currentPassword: 'my old Tulip5' })).toEqual([]);
    expect(codes('glacier tuba orchid 1987', { ...ada, currentPassword: 'ORCHID' })).toEqual(['shares_run_with_current']);
  });

  it('reports every broken rule at once', () => {
    expect(codes('lovelace111', { ...ada, currentPassword: 'lovelace' })).toEqual(['repeated_characters', 'contains_personal_info', 'shares_run_with_current']);
    expect(codes('ada111', ada)).toEqual(['too_short', 'repeated_characters']);
  });

  it('says what to change in English and in Spanish', () => {
    expect(translate('en', 'password.too_short', { min: 8 })).toBe('Use at least 8 characters.');
    expect(translate('es', 'password.too_short', { min: 8 })).toBe('Use al menos 8 caracteres.');
  });
});

describe('helpers', () => {
  it('collects the personal words of 4 characters or more, without the top-level domain', () => {
    expect(personalWords({ email: 'jo.smith@example.com', givenName: 'Jo' }).sort()).toEqual(['example', 'jo.smith', 'jo.smith@example.com', 'smith']);
    expect(personalWords({ givenName: 'Jo' })).toEqual([]);
  });

  it('finds shared runs ignoring case', () => {
    expect(sharesRun('abcdXYZ', 'xyzw', 3)).toBe(true);
    expect(sharesRun('abcd', 'bcde', 4)).toBe(false);
  });
});

/** Real addresses and names: what is personal, and what is only the address's provider or domain ending. */
describe('the personal-information rule', () => {
  const table: Array<[string, PasswordContext, string, { word: string; source: PersonalWordSource } | null]> = [
    ['a .com address: the ending is no one\'s', { email: 'user@email.com', userName: 'user@email.com' }, 'Harbor-Tulip-Comet-83', null],
    ['top-level domains anywhere in the password', { email: 'user@email.com', userName: 'user@email.com' }, 'Harbor-Gov-Tulip-Net-Org-83', null],
    ['the local part of a .com address', { email: 'user@email.com', userName: 'user@email.com' }, 'Harbor-User-Tulip-83', { word: 'user', source: 'email' }],
    ['a gmail.com provider', { email: 'sarah.connor85@gmail.com', givenName: 'Sarah', familyName: 'Connor' }, 'Gmail-Harbor-Tulip-83', null],
    ['a gmail.com local part split at the dot and the digits', { email: 'sarah.connor85@gmail.com', givenName: 'Sarah', familyName: 'Connor' }, 'Tulip-Sarah-Comet-83', { word: 'sarah', source: 'email' }],
    ['the family name in the local part', { email: 'sarah.connor85@gmail.com', givenName: 'Sarah', familyName: 'Connor' }, 'Tulip-CONNOR-Comet-83', { word: 'connor', source: 'email' }],
    ['a .co.uk ending', { email: 'l.fernandez@riverwater.co.uk', userName: 'lfernandez', givenName: 'Lucía', familyName: 'Fernández', organizationNames: ['Thames Valley Water'] }, 'Harbor-Couk-Tulip-83', null],
    ['an accented given name, typed without the accent', { email: 'l.fernandez@riverwater.co.uk', userName: 'lfernandez', givenName: 'Lucía', familyName: 'Fernández', organizationNames: ['Thames Valley Water'] }, 'Lucia-Harbor-Tulip-83', { word: 'lucia', source: 'name' }],
    ['an accented given name, typed with it', { email: 'l.fernandez@riverwater.co.uk', userName: 'lfernandez', givenName: 'Lucía', familyName: 'Fernández', organizationNames: ['Thames Valley Water'] }, 'Harbor-LUCÍA-Tulip-83', { word: 'lucia', source: 'name' }],
    ['a company domain in front of .co.uk', { email: 'l.fernandez@riverwater.co.uk', userName: 'lfernandez', givenName: 'Lucía', familyName: 'Fernández', organizationNames: ['Thames Valley Water'] }, 'Harbor-Riverwater-83', { word: 'riverwater', source: 'email' }],
    ['the username', { email: 'l.fernandez@riverwater.co.uk', userName: 'lfernandez', givenName: 'Lucía', familyName: 'Fernández', organizationNames: ['Thames Valley Water'] }, 'lfernandez-Tulip-Comet', { word: 'lfernandez', source: 'username' }],
    ['a word of the organization\'s name', { email: 'l.fernandez@riverwater.co.uk', userName: 'lfernandez', givenName: 'Lucía', familyName: 'Fernández', organizationNames: ['Thames Valley Water'] }, 'Thames-Harbor-Tulip-83', { word: 'thames', source: 'organization' }],
    ['an outlook.es provider', { email: 'jose@outlook.es', givenName: 'José', familyName: 'Núñez' }, 'Outlook-Harbor-Tulip-83', null],
    ['José as the local part', { email: 'jose@outlook.es', givenName: 'José', familyName: 'Núñez' }, 'Harbor-José-Tulip-83', { word: 'jose', source: 'email' }],
    ['an accented family name', { email: 'jose@outlook.es', givenName: 'José', familyName: 'Núñez' }, 'Nunez-Harbor-Tulip-83', { word: 'nunez', source: 'name' }],
    ['a three-letter name inside an ordinary word', { email: 'ana@acme.com', givenName: 'Ana' }, 'Banana-Harbor-Tulip-83', null],
    ['the company of a short address', { email: 'ana@acme.com', givenName: 'Ana' }, 'Acme-Harbor-Tulip-83', { word: 'acme', source: 'email' }],
  ];

  it.each(table)('%s', (_what, context, password, expected) => {
    const problems = checkPassword(password, rules, context);
    if (expected === null) expect(problems).toEqual([]);
    else expect(problems).toContainEqual({ code: 'contains_personal_info', params: expected });
  });

  it('names the word and where it comes from, in English and in Spanish', () => {
    const sarah = { email: 'sarah.connor85@gmail.com', givenName: 'Sarah', familyName: 'Connor', organizationNames: ['Comet Energy'] };
    const say = (locale: 'en' | 'es', password: string, context: PasswordContext) =>
      checkPassword(password, rules, context).filter((p) => p.code === 'contains_personal_info').map((p) => describePasswordProblem(translator(locale), p));
    expect(say('en', 'Tulip-Sarah-Harbor-83', sarah)).toEqual(['The password contains \'sarah\', part of your email address: leave it out.']);
    expect(say('es', 'Tulip-Sarah-Harbor-83', sarah)).toEqual(['La contraseña contiene «sarah», parte de su dirección de correo electrónico: quítelo.']);
    expect(say('en', 'Tulip-Lucía-Harbor-83', { givenName: 'Lucía' })).toEqual(['The password contains \'lucia\', part of your name: leave it out.']);
    expect(say('es', 'Tulip-Lucía-Harbor-83', { givenName: 'Lucía' })).toEqual(['La contraseña contiene «lucia», parte de su nombre: quítelo.']);
    expect(say('en', 'Tulip-Energy-Harbor-83', sarah)).toEqual(['The password contains \'energy\', part of your organization\'s name: leave it out.']);
    expect(say('es', 'Tulip-Energy-Harbor-83', sarah)).toEqual(['La contraseña contiene «energy», parte del nombre de su organización: quítelo.']);
  });
});
