import { Router } from 'express';
import type { Services } from '../../identity/services.js';
import { body, queryInteger, queryString } from './params.js';

/**
 * Webhook subscriptions of portal applications (platform administrators) and of organizations (their administrators
 * too), their signing secrets (shown once, at creation and rotation) and their delivery logs. Each route parses and
 * calls one domain function; who may do what is the policy's to say.
 */
export function webhookRoutes(services: Services): Router {
  const router = Router();
  const { webhooks } = services;

  router.get('/webhooks', async (req, res) => {
    const organization = queryString(req, 'organization');
    const client = queryString(req, 'client');
    res.json({ webhooks: await webhooks.list(req.admin!, { ...(organization ? { organization } : {}), ...(client ? { client } : {}) }) });
  });
  router.post('/webhooks', async (req, res) => {
    res.status(201).json(await webhooks.create(req.admin!, body(req) as never));
  });
  router.get('/webhooks/:id', async (req, res) => {
    res.json(await webhooks.get(req.admin!, req.params.id as string));
  });
  router.patch('/webhooks/:id', async (req, res) => {
    res.json(await webhooks.update(req.admin!, req.params.id as string, body(req) as never));
  });
  router.delete('/webhooks/:id', async (req, res) => {
    await webhooks.delete(req.admin!, req.params.id as string);
    res.status(204).end();
  });
  router.post('/webhooks/:id/rotate-secret', async (req, res) => {
    const input = body(req);
    const graceHours = input.graceHours;
    res.json(await webhooks.rotateSecret(req.admin!, req.params.id as string, graceHours === undefined ? {} : { graceHours: graceHours as number }));
  });
  router.get('/webhooks/:id/deliveries', async (req, res) => {
    const status = queryString(req, 'status');
    const before = queryInteger(req, 'before');
    const limit = queryInteger(req, 'limit');
    res.json(await webhooks.deliveries(req.admin!, req.params.id as string, { ...(status ? { status } : {}), ...(before !== undefined ? { before } : {}), ...(limit !== undefined ? { limit } : {}) }));
  });
  router.post('/webhooks/:id/deliveries/:delivery/send-again', async (req, res) => {
    res.json(await webhooks.resend(req.admin!, req.params.id as string, req.params.delivery as string));
  });

  return router;
}
