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
  /** Numbers and words the message needs (a minimum length, the guessability hint). */
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

/** Words of the person's identity, folded, of 3 characters or more. */
export function personalWords(context: PasswordContext): string[] {
  const words = new Set<string>();
  const add = (value: string | null | undefined) => {
    if (!value) return;
    const lower = fold(value);
    if (lower.length >= 3) words.add(lower);
    for (const part of lower.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 3) words.add(part);
  };
  add(context.userName);
  add(context.email);
  add(context.email?.split('@')[0]);
  add(context.givenName);
  add(context.familyName);
  add(context.displayName);
  for (const name of context.organizationNames ?? []) add(name);
  return [...words];
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
  const lower = fold(password);
  const personal = personalWords(context).filter((word) => lower.includes(word) || (word.length >= 4 && word.includes(lower)));
  if (personal.length > 0) problems.push({ code: 'contains_personal_info', params: {} });
  if (context.currentPassword && sharesRun(password, context.currentPassword, 4)) problems.push({ code: 'shares_run_with_current', params: {} });
  if (length >= rules.minLength && problems.length === 0) {
    const result = zxcvbn(language).check(password.slice(0, 256), personalWords(context));
    if (result.score < rules.minStrength) {
      problems.push({ code: 'too_guessable', params: { hint: result.feedback.warning ?? result.feedback.suggestions[0] ?? '' } });
    }
  }
  return problems;
}
