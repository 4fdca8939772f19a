import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createServer, type Socket } from 'node:net';
import { MailDispatcher, STALE_MARGIN_MS } from '../../src/mail/dispatcher.js';
import { enqueueMail } from '../../src/mail/outbox.js';
import { fileTransport, smtpTransport } from '../../src/mail/transport.js';
import { createLogger } from '../../src/lib/logger.js';
import { openTestDeps, type TestDeps } from '../helpers/db.js';
import { TestMailbox } from '../helpers/smtp.js';

describe('mail outbox', () => {
  let deps: TestDeps;
  let mailbox: TestMailbox;
  let dispatcher: MailDispatcher;
  const silent = createLogger({ level: 'silent' });

  beforeAll(async () => {
    deps = await openTestDeps();
    mailbox = await new TestMailbox().start();
    dispatcher = new MailDispatcher(deps.ctx, smtpTransport(mailbox.url), silent, { from: 'idbridge <no-reply@idbridge.test>', maxAttempts: 3, backoffMs: 30_000 });
  });
  afterAll(async () => {
    await dispatcher.stop();
    await mailbox.stop();
    await deps.close();
  });

  const queue = (to: string, rollback = false) =>
    deps.db.tx(async (t) => {
      const id = await enqueueMail(deps.ctx, t, { to, template: 'deactivated', locale: 'es', data: { name: 'Ana' } });
      if (rollback) throw new Error('the change failed');
      return id;
    });

  it('keeps the template data encrypted until it is sent, and erases it after', async () => {
    const id = await queue('ana@example.com');
    const row = await deps.db.models.MailMessage.findByPk(id);
    expect(row?.payload).not.toContain('Ana');
    await dispatcher.drain();
    expect(mailbox.last('ana@example.com').subject).toBe('Su cuenta de Customer Portal ha sido desactivada');
    expect(await deps.db.models.MailMessage.findByPk(id)).toMatchObject({ status: 'sent', attempts: 1, payload: null });
  });

  it('sends nothing when the change that queued the email rolls back', async () => {
    await expect(queue('rolled-back@example.com', true)).rejects.toThrow('the change failed');
    await dispatcher.drain();
    expect(mailbox.to('rolled-back@example.com')).toHaveLength(0);
  });

  it('retries a refused message with growing waits, then succeeds', async () => {
    mailbox.rejectNext(2);
    const id = await queue('retry@example.com');
    await dispatcher.drain();
    expect(await deps.db.models.MailMessage.findByPk(id)).toMatchObject({ status: 'queued', attempts: 1 });
    deps.clock.advance(29_000);
    await dispatcher.drain();
    expect((await deps.db.models.MailMessage.findByPk(id))?.attempts).toBe(1);
    deps.clock.advance(2_000);
    await dispatcher.drain();
    expect(await deps.db.models.MailMessage.findByPk(id)).toMatchObject({ status: 'queued', attempts: 2 });
    deps.clock.advance(60_000);
    await dispatcher.drain();
    expect(await deps.db.models.MailMessage.findByPk(id)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(mailbox.to('retry@example.com')).toHaveLength(1);
  });

  it('abandons a message after the last attempt, keeping the reason and dropping the data', async () => {
    mailbox.rejectNext(3);
    const id = await queue('never@example.com');
    for (let i = 0; i < 3; i++) {
      await dispatcher.drain();
      deps.clock.advance(10 * 60_000);
    }
    const row = await deps.db.models.MailMessage.findByPk(id);
    expect(row).toMatchObject({ status: 'abandoned', attempts: 3, payload: null });
    expect(row?.lastError).toContain('try again later');
    mailbox.rejectNext(0);
  });

  it('sends a message once when two dispatchers poll together', async () => {
    const second = new MailDispatcher(deps.ctx, smtpTransport(mailbox.url), silent, { from: 'x <x@idbridge.test>' });
    await queue('once@example.com');
    await Promise.all([dispatcher.runOnce(), second.runOnce()]);
    expect(mailbox.to('once@example.com')).toHaveLength(1);
    await second.stop();
  });

  it('retries an email left "sending" by a stopped instance once the send timeout and a margin have passed, not before', async () => {
    const sendTimeoutMs = 30_000;
    const id = await queue('orphan@example.com');
    // What a kill -9 in the middle of a send leaves: the message claimed ("sending"), its sender gone.
    await deps.db.models.MailMessage.update({ status: 'sending', attempts: 1, updatedAt: deps.clock.now() }, { where: { id } });
    const survivor = new MailDispatcher(deps.ctx, smtpTransport(mailbox.url), silent, { from: 'x <x@idbridge.test>', sendTimeoutMs });
    deps.clock.advance(sendTimeoutMs + STALE_MARGIN_MS - 1000);
    await survivor.drain();
    expect(mailbox.to('orphan@example.com')).toHaveLength(0);
    deps.clock.advance(2000);
    await survivor.drain();
    expect(mailbox.to('orphan@example.com')).toHaveLength(1);
    expect(await deps.db.models.MailMessage.findByPk(id)).toMatchObject({ status: 'sent', attempts: 2 });
    await survivor.stop();
  });

  it('fails an attempt after the send timeout when the SMTP server stops answering, and keeps the message for a retry', async () => {
    const sockets: Socket[] = [];
    const silentServer = createServer((socket) => void sockets.push(socket)); // accepts, never greets
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const port = (silentServer.address() as { port: number }).port;
    const stuck = new MailDispatcher(deps.ctx, smtpTransport(`smtp://127.0.0.1:${port}`, 300), silent, { from: 'x <x@idbridge.test>', sendTimeoutMs: 300 });
    const id = await queue('stuck@example.com');
    const started = Date.now();
    await stuck.drain();
    expect(Date.now() - started).toBeLessThan(5000);
    const row = await deps.db.models.MailMessage.findByPk(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    // nodemailer's greeting timeout or our deadline, whichever comes first.
    expect(row?.lastError).toMatch(/timeout|did not take|never received/i);
    await stuck.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silentServer.close(resolve));
    // The message is still delivered by a dispatcher that reaches a working server.
    deps.clock.advance(60_000);
    await dispatcher.drain();
    expect(mailbox.to('stuck@example.com')).toHaveLength(1);
  });

  it('writes .eml files and logs the links when no SMTP server is configured', async () => {
    const dir = path.join(deps.settings.dataDir, 'mail');
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _e, cb) => { lines.push(String(chunk)); cb(); } }) });
    const files = new MailDispatcher(deps.ctx, fileTransport(dir, logger), logger, { from: 'x <x@idbridge.test>' });
    await deps.db.tx((t) => enqueueMail(deps.ctx, t, { to: 'dev@example.com', template: 'activation', locale: 'en', data: { link: 'http://127.0.0.1:8080/activate?token=T0KEN', hours: 168 } }));
    await files.drain();
    expect(existsSync(dir)).toBe(true);
    const [file] = readdirSync(dir);
    expect(readFileSync(path.join(dir, file as string), 'utf8')).toContain('Subject: Your Customer Portal account has been set up');
    expect(lines.join('')).toContain('http://127.0.0.1:8080/activate?token=T0KEN');
    await files.stop();
  });
});
