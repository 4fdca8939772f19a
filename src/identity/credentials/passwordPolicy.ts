import { createRequire } from 'node:module';
import type * as ZxcvbnCore from '@zxcvbn-ts/core';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import type * as LanguageCommon from '@zxcvbn-ts/language-common';
import type * as LanguageEn from '@zxcvbn-ts/language-en';
import type * as LanguageEs from '@zxcvbn-ts/language-es-es';

/**
 * zxcvbn's dictionaries are decompressed when their modules load (about 0.3 s of CPU): they are required on the first
 * password checked, not at start-up, so that a CLI command or a server start that checks no password never pays it.
 */
const load = createRequire(import.meta.url);

/** Why a password is refused; each code has a message in every language, saying what to change. */
export type PasswordProblemCode =
  | 'too_short'
  | 'too_long'
  | 'repeated_characters'
  | 'contains_personal_info'
  | 'too_guessable'
  | 'reused'
  | 'shares_run_with_current';

export interface PasswordProblem {
  code: PasswordProblemCode;
  /** Numbers and words the message needs (a minimum length, the guessability hint, the personal word and its source). */
  params: Record<string, string | number>;
}

export interface PasswordRules {
  minLength: number;
  maxLength: number;
  minStrength: number;
}

/** What the policy knows of the person: their own words must not make up the password. */
export interface PasswordContext {
  userName?: string | null;
  email?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  organizationNames?: readonly string[];
  /** The current password, when changing it: the new one may not share a run of 4 characters with it. */
  currentPassword?: string;
}

const factories: Partial<Record<'en' | 'es', ZxcvbnFactory>> = {};

function zxcvbn(language: 'en' | 'es'): ZxcvbnFactory {
  if (factories[language]) return factories[language];
  const { ZxcvbnFactory: Factory } = load('@zxcvbn-ts/core') as typeof ZxcvbnCore;
  const common = load('@zxcvbn-ts/language-common') as typeof LanguageCommon;
  const en = load('@zxcvbn-ts/language-en') as typeof LanguageEn;
  const es = load('@zxcvbn-ts/language-es-es') as typeof LanguageEs;
  factories[language] = new Factory({
    translations: language === 'es' ? es.translations : en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary, ...es.dictionary },
    useLevenshteinDistance: true,
  });
  return factories[language];
}

/** Lower case without accents: "Lucía" and "LUCIA" are the same word. */
export function fold(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Where a personal word comes from: the refusal names it ("part of your email address"). */
export type PersonalWordSource = 'email' | 'username' | 'name' | 'organization';

/** A word of the person's identity, folded, and where it was found. */
export interface PersonalWord {
  word: string;
  source: PersonalWordSource;
}

/**
 * Fragments shorter than this are not personal information: three letters ("com", "ana", "sun", "net") occur in
 * ordinary words and passphrases far more often than they point at a person, and refusing them refused good
 * passwords. A short name still weakens a password: zxcvbn is given every value as a guessable word.
 */
export const MIN_PERSONAL_WORD_LENGTH = 4;

/**
 * Words of an address's domain that say nothing about the person: mail providers anyone can sign up with, and the
 * generic or second-level labels of public suffixes (".co.uk", ".com.mx", ".gob.es"). The last label of a domain is
 * always its top-level domain and is never personal, whatever it is (".com", ".info", ".energy").
 */
const GENERIC_DOMAIN_WORDS = new Set([
  // mail providers
  'gmail', 'googlemail', 'yahoo', 'ymail', 'rocketmail', 'hotmail', 'outlook', 'live', 'windowslive', 'msn', 'icloud', 'mac', 'me',
  'aol', 'mail', 'email', 'proton', 'protonmail', 'pm', 'tutanota', 'tuta', 'gmx', 'yandex', 'zoho', 'fastmail', 'hey', 'inbox',
  'comcast', 'verizon', 'att', 'sbcglobal', 'bellsouth', 'btinternet', 'virginmedia', 'sky', 'orange', 'wanadoo', 'free', 'laposte',
  'web', 'online', 'libero', 'terra', 'telefonica', 'movistar', 'prodigy', 'qq', 'naver', 'mailbox', 'posteo',
  // generic and second-level labels of public suffixes
  'com', 'org', 'net', 'gov', 'gob', 'edu', 'mil', 'int', 'info', 'biz', 'name', 'pro', 'mobi', 'coop', 'aero', 'museum',
  'co', 'ac', 'ltd', 'plc', 'nhs', 'police', 'sch', 'school', 'govt', 'gouv', 'nom', 'asso', 'io', 'ai', 'app', 'dev', 'cloud',
]);

/** The words of an email address: its local part (split on . _ - + and digits) and its domain's distinctive labels. */
function addressWords(address: string): { whole: string[]; parts: string[] } {
  const at = address.lastIndexOf('@');
  const local = at >= 0 ? address.slice(0, at) : address;
  const domain = at >= 0 ? address.slice(at + 1) : '';
  const labels = domain.split('.').filter(Boolean);
  const distinctive = labels.slice(0, -1).filter((label) => !GENERIC_DOMAIN_WORDS.has(label));
  return { whole: [address, local, ...distinctive], parts: [local, ...distinctive].flatMap((value) => value.split(/[^\p{L}]+/u)) };
}

/**
 * The words of the person's identity, folded, each with where it was found (the first place wins): the email's local
 * part and its domain's distinctive labels, the username, the given, family and display names, and the names of the
 * person's organizations. Top-level domains, mail providers and fragments shorter than MIN_PERSONAL_WORD_LENGTH are
 * left out.
 */
export function personalWordSources(context: PasswordContext): PersonalWord[] {
  const found = new Map<string, PersonalWordSource>();
  const keep = (word: string, source: PersonalWordSource) => {
    if ([...word].length >= MIN_PERSONAL_WORD_LENGTH && !found.has(word)) found.set(word, source);
  };
  const addAddress = (value: string | null | undefined, source: PersonalWordSource) => {
    if (!value) return;
    const { whole, parts } = addressWords(fold(value.trim()));
    for (const word of whole) keep(word, source);
    for (const word of parts) keep(word, source);
  };
  const addName = (value: string | null | undefined, source: PersonalWordSource) => {
    if (!value) return;
    const folded = fold(value.trim());
    keep(folded, source);
    for (const part of folded.split(/[^\p{L}\p{N}]+/u)) keep(part, source);
  };
  addAddress(context.email, 'email');
  if (context.userName?.includes('@')) addAddress(context.userName, 'username');
  else addName(context.userName, 'username');
  for (const name of [context.givenName, context.familyName, context.displayName]) addName(name, 'name');
  for (const name of context.organizationNames ?? []) addName(name, 'organization');
  return [...found].map(([word, source]) => ({ word, source }));
}

/** The personal words alone (what zxcvbn is told is guessable). */
export function personalWords(context: PasswordContext): string[] {
  return personalWordSources(context).map((p) => p.word);
}

/** What zxcvbn counts as guessable: the personal words, and the names whole however short they are. */
function guessableWords(context: PasswordContext): string[] {
  const names = [context.givenName, context.familyName, context.displayName].filter((v): v is string => !!v?.trim()).map((v) => fold(v.trim()));
  return [...new Set([...personalWords(context), ...names])];
}

/** The personal word a password contains (the longest, when several), or null. */
export function personalWordIn(password: string, context: PasswordContext): PersonalWord | null {
  const lower = fold(password);
  const matches = personalWordSources(context).filter(({ word }) => lower.includes(word) || (lower.length >= MIN_PERSONAL_WORD_LENGTH && word.includes(lower)));
  return matches.sort((a, b) => b.word.length - a.word.length)[0] ?? null;
}

/** Whether two strings share a run of `length` consecutive characters (ignoring case). */
export function sharesRun(a: string, b: string, length: number): boolean {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  for (let i = 0; i + length <= left.length; i++) if (right.includes(left.slice(i, i + length))) return true;
  return false;
}

/**
 * Every rule the password breaks (empty when it is acceptable), apart from reuse, which needs the stored history.
 * Length is counted in characters, not bytes; nothing is ever truncated.
 */
export function checkPassword(password: string, rules: PasswordRules, context: PasswordContext = {}, language: 'en' | 'es' = 'en'): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < rules.minLength) problems.push({ code: 'too_short', params: { min: rules.minLength } });
  if (length > rules.maxLength) {
    problems.push({ code: 'too_long', params: { max: rules.maxLength } });
    return problems;
  }
  if (/(.)\1\1/u.test(password)) problems.push({ code: 'repeated_characters', params: {} });
  const personal = personalWordIn(password, context);
  if (personal) problems.push({ code: 'contains_personal_info', params: { word: personal.word, source: personal.source } });
  if (context.currentPassword && sharesRun(password, context.currentPassword, 4)) problems.push({ code: 'shares_run_with_current', params: {} });
  if (length >= rules.minLength && problems.length === 0) {
    const result = zxcvbn(language).check(password.slice(0, 256), guessableWords(context));
    if (result.score < rules.minStrength) {
      problems.push({ code: 'too_guessable', params: { hint: result.feedback.warning ?? result.feedback.suggestions[0] ?? '' } });
    }
  }
  return problems;
}
