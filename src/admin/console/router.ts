import express, { Router, type ErrorRequestHandler } from 'express';
import { CsrfError, csrfProtection } from '../../http/csrf.js';
import { isDomainError } from '../../identity/errors.js';
import type { Logger } from '../../lib/logger.js';
import { languageChoice } from '../../pages/render.js';
import { message } from '../../pages/views/messages.js';
import { brandLogoUpload, brandPages } from './brandPages.js';
import { consoleRequest, requireAdministrator, show, type ConsoleDeps } from './context.js';
import { FlashMessages } from './flash.js';
import { platformPages } from './platformPages.js';
import { newUserPages } from './newUserPages.js';
import { userActionRoutes } from './userActionRoutes.js';
import { userPages } from './userPages.js';
import { webhookPages } from './webhookPages.js';

export const CONSOLE_BASE = '/admin';

export type AdminConsoleDeps = Omit<ConsoleDeps, 'flash'> & { secret: string };

function errorHandler(deps: ConsoleDeps, logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const { t } = consoleRequest(req);
    if (error instanceof CsrfError) {
      logger.warn({ path: req.path }, 'CSRF check failed');
      return show(deps, req, res, { title: t('csrf.title'), status: 403, body: message(t('csrf.body')) });
    }
    if (isDomainError(error) && error.kind === 'not_found') return show(deps, req, res, { title: t('error.notFoundTitle'), status: 404, body: message(t('console.notFound'), { href: '/admin/users', label: t('console.user.backToList') }) });
    // The domain refuses what the administrator may not do; a page only for platform administrators says so in the page's language.
    if (isDomainError(error) && error.kind === 'forbidden') return show(deps, req, res, { title: t('console.forbiddenTitle'), status: 403, body: message(error.code === 'policy.platform_only' ? t('console.platformOnly') : error.message) });
    const parser = error as { type?: string };
    if (parser?.type === 'entity.too.large' || parser?.type === 'entity.parse.failed') return show(deps, req, res, { title: t('csrf.title'), status: 400, body: message(t('csrf.body')) });
    logger.error({ err: error, requestId: req.id }, 'console page failed');
    show(deps, req, res, { title: t('error.serverTitle'), status: 500, body: message(t('error.server', { requestId: req.id })) });
  };
}

/**
 * The admin console: server-rendered pages (a small script adds search as you type), signed in through the hosted
 * sign-in, every form with its CSRF token. It calls the same domain functions as the admin API.
 */
export function adminConsole(input: AdminConsoleDeps): Router {
  const deps: ConsoleDeps = { ...input, flash: new FlashMessages(input.secret, input.sessions.policy) };
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 100 }));
  router.use(deps.sessions.middleware());
  router.use(languageChoice(deps.sessions.policy));
  const csrf = csrfProtection({ secret: input.secret, cookies: deps.sessions.policy, sessionId: (req) => req.session?.id });
  // The logo upload is multipart: it runs the same CSRF check itself, on the token the form sends before the file.
  router.use(brandLogoUpload(deps, csrf));
  router.use(csrf);
  router.use(requireAdministrator(deps));
  router.get('/', (_req, res) => res.redirect(303, '/admin/users'));
  router.use(newUserPages(deps));
  router.use(userPages(deps));
  router.use(userActionRoutes(deps));
  router.use(platformPages(deps));
  router.use(brandPages(deps));
  router.use(webhookPages(deps));
  router.use((req, res) => {
    const { t } = consoleRequest(req);
    show(deps, req, res, { title: t('error.notFoundTitle'), status: 404, body: message(t('error.notFound')) });
  });
  router.use(errorHandler(deps, deps.logger));
  return router;
}
