import type { Request, RequestHandler, Response } from 'express';
import type { ResolvedBrand } from '../identity/branding/brands.js';
import { LOCALES, parseAcceptLanguage, pickLocale, toLocale, type Locale } from '../i18n/locales.js';
import { translator, type Translate } from '../i18n/translate.js';
import { getCookie, setCookie, type CookiePolicy } from '../http/cookies.js';
import type { SafeHtml } from './html.js';
import { layout } from './layout.js';

const LANG_COOKIE = 'idb_lang';
const YEAR_MS = 365 * 24 * 3600 * 1000;

declare module 'express-serve-static-core' {
  interface Request {
    /** The language chosen explicitly (?lang=) or remembered (cookie), if any. */
    chosenLocale?: Locale;
  }
}

/** Remembers a language picked with ?lang= in a cookie, for the following pages. */
export function languageChoice(cookies: CookiePolicy): RequestHandler {
  return (req, res, next) => {
    const fromQuery = toLocale(typeof req.query.lang === 'string' ? req.query.lang : undefined);
    if (fromQuery) setCookie(res, cookies, LANG_COOKIE, fromQuery, YEAR_MS);
    req.chosenLocale = fromQuery ?? toLocale(getCookie(req, cookies, LANG_COOKIE));
    next();
  };
}

/** The page language: an explicit choice, else the user's preferred language, else the browser's. */
export function localeFor(req: Request, userPreference?: string | null): Locale {
  return pickLocale(req.chosenLocale, userPreference, parseAcceptLanguage(req.get('accept-language')));
}

export interface RenderInput {
  /** Whose page it is (services.branding.forPage with the flow's facts). */
  brand: ResolvedBrand;
  title: string;
  body: SafeHtml;
  /** The GET address of this page, for the language switcher. */
  path: string;
  notice?: string;
  status?: number;
  signedInName?: string;
  refreshTo?: string;
  /** The body says whom to ask itself (a page that cannot go on). */
  supportShown?: boolean;
}

/** Sends a whole page: never cached (pages carry CSRF tokens and personal data), in the language it is written in. */
export function sendPage(res: Response, locale: Locale, status: number, page: string): void {
  res.status(status);
  res.set('Cache-Control', 'no-store');
  res.set('Content-Language', locale);
  res.type('html').send(page);
}

export function render(req: Request, res: Response, locale: Locale, input: RenderInput): void {
  sendPage(
    res,
    locale,
    input.status ?? 200,
    layout({
      locale,
      brand: input.brand,
      title: input.title,
      body: input.body,
      path: input.path,
      ...(input.notice ? { notice: input.notice } : {}),
      ...(input.refreshTo ? { refreshTo: input.refreshTo } : {}),
      ...(input.supportShown ? { supportShown: true } : {}),
      ...(input.signedInName && req.csrfToken ? { signedIn: { name: input.signedInName, csrf: req.csrfToken() } } : {}),
    }),
  );
}

export function t(locale: Locale): Translate {
  return translator(locale);
}

export { LOCALES };
