import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { App } from '../../src/app.js';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (its own browser downloads cannot work here). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Serves an app on a free loopback port. */
export async function serve(app: App): Promise<{ server: Server; base: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const listening = createServer(app).listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A server on a free port whose address is known before the application is built (for PUBLIC_URL). */
export async function reservePort(): Promise<{ server: Server; base: string; attach(app: App): void; close(): Promise<void> }> {
  let handler: App | undefined;
  const server = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    base: `http://127.0.0.1:${port}`,
    attach: (app) => {
      handler = app;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An emailed link, pointed at the test server (emails carry PUBLIC_URL). */
export function onServer(link: string, base: string): string {
  const url = new URL(link);
  return `${base}${url.pathname}${url.search}`;
}
