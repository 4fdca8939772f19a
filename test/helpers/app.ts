import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp, type App } from '../../src/app.js';
import { totpCode } from './accounts.js';
import { openTestDeps, type TestDeps } from './db.js';
import { TestMailbox } from './smtp.js';

export type Agent = InstanceType<typeof TestAgent>;

export interface TestApp {
  deps: TestDeps;
  app: App;
  mailbox: TestMailbox;
  /** A browser-like client that keeps cookies. */
  agent(): Agent;
  /** Sends every queued email now (the dispatcher's poll, without waiting). */
  deliver(): Promise<void>;
  close(): Promise<void>;
}

/** The application on a fresh database, sending email through a real SMTP server on loopback. */
export async function openTestApp(overrides: Record<string, unknown> = {}): Promise<TestApp> {
  const mailbox = await new TestMailbox().start();
  const base = overrides as { mail?: Record<string, unknown> };
  const deps = await openTestDeps({ overrides: { ...overrides, mail: { ...base.mail, smtpUrl: mailbox.url } } });
  let app: App;
  try {
    app = createApp(deps);
  } catch (error) {
    await deps.close();
    await mailbox.stop();
    throw error;
  }
  return {
    deps,
    app,
    mailbox,
    agent: () => request.agent(app),
    deliver: () => deps.mail.drain(),
    close: async () => {
      await deps.close();
      await mailbox.stop();
    },
  };
}

/** The CSRF token of the (first) form in a page. */
export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no CSRF token in the page:\n${html.slice(0, 500)}`);
  return token;
}

/** The hidden inputs of the form posting to `action` in a page (the CSRF token, a link's token…). */
export function hiddenFieldsOf(html: string, action: string): Record<string, string> {
  const form = [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].find((m) => m[1] === action)?.[2] ?? html;
  return Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] as string, (m[2] as string).replace(/&amp;/g, '&')]));
}

/** GETs `path`, then POSTs `fields` to `action` (default: the same path) with the form's hidden fields, as a browser would. */
export async function submitForm(agent: Agent, path: string, fields: Record<string, string>, action = path.split('?')[0] as string) {
  const page = await agent.get(path);
  return agent.post(action).type('form').send({ _csrf: csrfOf(page.text), ...hiddenFieldsOf(page.text, action), ...fields });
}

/**
 * A client signed in through the hosted pages as a person would (password, then a TOTP code when the account has one),
 * holding the session's cookie for the console and the admin API.
 */
export async function signedInAgent(t: TestApp, email: string, password: string, secret?: string): Promise<Agent> {
  const agent = t.agent();
  const page = await agent.get('/sign-in');
  const response = await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier: email, password });
  if (secret) {
    if (response.headers.location !== '/sign-in/totp') throw new Error(`${email}: the password step answered ${response.status} ${String(response.headers.location)}, not the TOTP step`);
    t.deps.clock.advance(30_000);
    const totp = await agent.get('/sign-in/totp');
    const verified = await agent.post('/sign-in/totp').type('form').send({ _csrf: csrfOf(totp.text), code: totpCode(secret, t.deps.clock.now()) });
    if (verified.status !== 303) throw new Error(`${email}: the TOTP step answered ${verified.status}`);
  }
  return agent;
}

/** The visible text of a page, for assertions about what a user reads. */
export function textOf(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}
