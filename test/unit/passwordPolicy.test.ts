import { checkPassword, personalWords, sharesRun } from '../../src/identity/credentials/passwordPolicy.js';
import { translate } from '../../src/i18n/translate.js';

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
    expect(codes('ada111', ada)).toEqual(['too_short', 'repeated_characters', 'contains_personal_info']);
  });

  it('says what to change in English and in Spanish', () => {
    expect(translate('en', 'password.too_short', { min: 8 })).toBe('Use at least 8 characters.');
    expect(translate('es', 'password.too_short', { min: 8 })).toBe('Use al menos 8 caracteres.');
  });
});

describe('helpers', () => {
  it('collects the personal words of 3 characters or more', () => {
    expect(personalWords({ email: 'jo.smith@example.com', givenName: 'Jo' })).toEqual(expect.arrayContaining(['jo.smith@example.com', 'smith', 'example', 'jo.smith']));
    expect(personalWords({ givenName: 'Jo' })).toEqual([]);
  });

  it('finds shared runs ignoring case', () => {
    expect(sharesRun('abcdXYZ', 'xyzw', 3)).toBe(true);
    expect(sharesRun('abcd', 'bcde', 4)).toBe(false);
  });
});
