import request from 'supertest';
import { createApp } from '../../src/app.js';
import { sweepRateLimits } from '../../src/identity/rateLimits.js';
import { MINUTE } from '../../src/lib/clock.js';
import { csrfOf, openTestApp, submitForm, textOf, type Agent, type TestApp } from '../helpers/app.js';
import { activeLocalUser } from '../helpers/accounts.js';

async function passwordAttempt(agent: Agent, identifier: string, password: string) {
  const page = await agent.get('/sign-in');
  return agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier, password });
}

describe('rate limits on the hosted pages, shared by every instance', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp({ rateLimit: { signInPerMinute: 3, emailPerHour: 2 }, lockout: { threshold: 50 } });
  });
  afterAll(() => t.close());

  it('refuses sign-in attempts beyond the limit with 429 and Retry-After, counted across two instances, until the window ends', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    // A second instance of the application on the same database, as behind a load balancer.
    const other = request.agent(createApp(t.deps));
    expect((await passwordAttempt(t.agent(), user.email, 'wrong password one')).status).toBe(401);
    expect((await passwordAttempt(other, user.email, 'wrong password two')).status).toBe(401);
    expect((await passwordAttempt(t.agent(), user.email, 'wrong password three')).status).toBe(401);
    const refused = await passwordAttempt(other, user.email, user.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(textOf(refused.text)).toContain('Too many attempts from here');
    // Once the window is over, the address may try again (the refused attempt never reached the password check).
    t.deps.clock.advance(MINUTE);
    expect(await sweepRateLimits(t.deps.ctx)).toBeGreaterThan(0);
    const allowed = await passwordAttempt(other, user.email, user.password);
    expect(allowed.status).toBe(303);
    expect(allowed.headers.location).toBe('/account');
  });

  it('limits requests that send email per hour, with the same page whatever the address', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const agent = t.agent();
    expect((await submitForm(agent, '/password/forgot', { email: user.email })).status).toBe(200);
    expect((await submitForm(agent, '/password/forgot', { email: 'nobody@example.com' })).status).toBe(200);
    await t.deliver();
    const before = t.mailbox.messages.length;
    const refused = await submitForm(agent, '/password/forgot', { email: user.email });
    expect(refused.status).toBe(429);
    await t.deliver();
    expect(t.mailbox.messages.length).toBe(before);
  });
});
