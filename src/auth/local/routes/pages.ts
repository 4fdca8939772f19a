import express, { Router } from 'express';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { csrfProtection } from '../../../http/csrf.js';
import { languageChoice, render } from '../../../pages/render.js';
import { message } from '../../../pages/views/messages.js';
import { accountRoutes } from './accountRoutes.js';
import { activationRoutes } from './activationRoutes.js';
import { brandFinder, pageRequest, type PagesDeps } from './context.js';
import { pagesErrorHandler } from './errors.js';
import { passwordRoutes } from './passwordRoutes.js';
import { signInRoutes } from './signInRoutes.js';

const PAGE_PATHS = /^\/(?:$|sign-in|sign-out|activate|password|account|assets)(?:\/|$)/;

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../pages/assets');

/** The hosted pages of local accounts: sign-in, activation, passwords, the account page. Usable without JavaScript. */
export function localPages(deps: PagesDeps, secret: string): Router {
  const router = Router();
  // Only the page addresses go through this router (its body parser, sessions and CSRF check are theirs alone).
  router.use((req, _res, next) => (PAGE_PATHS.test(req.path) ? next() : next('router')));
  router.use('/assets', express.static(ASSETS, { maxAge: '1h', fallthrough: false }));
  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }));
  router.use(deps.sessions.middleware());
  router.use(languageChoice(deps.sessions.policy));
  router.use(csrfProtection({ secret, cookies: deps.sessions.policy, sessionId: (req) => req.session?.id }));
  router.get('/', (_req, res) => res.redirect(303, '/account'));
  router.use(signInRoutes(deps));
  router.use(activationRoutes(deps));
  router.use(passwordRoutes(deps));
  router.use(accountRoutes(deps));
  const brandFor = brandFinder(deps);
  router.use(async (req, res) => {
    const { t, locale } = pageRequest(req);
    render(req, res, locale, { brand: await brandFor(req), title: t('error.notFoundTitle'), body: message(t('error.notFound')), path: '/sign-in', status: 404 });
  });
  router.use(pagesErrorHandler(deps.logger, brandFor));
  return router;
}
