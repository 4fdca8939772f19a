import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openScimApp, type ScimClient, type ScimTestApp } from '../helpers/scim.js';

/**
 * The SCIM contract, table-driven: each fixture in test/fixtures/scim is a conversation a client has with idbridge —
 * the exact requests Okta, Entra ID (default "customappsso" behaviour and the aadOptscim062020 flag) and RFC 7644 send —
 * with what the client must see in return (status, headers, body). `{{name}}` is replaced by a value saved earlier.
 */
interface Step {
  note?: string;
  /** "other": a token of another directory; "none": no Authorization; "bad": an unknown token. */
  as?: 'other' | 'none' | 'bad';
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** A raw body (sent as is, with contentType). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  expect: {
    status: number;
    headers?: Record<string, string>;
    body?: unknown;
    /** Dotted paths that must not be in the body (e.g. "password"). */
    absent?: string[];
    /** The number of Resources in a list. */
    resources?: number;
    /** Arrays (by dotted path) that must hold exactly these elements, in any order. */
    unordered?: Record<string, unknown[]>;
  };
  save?: Record<string, string>;
}

interface Fixture {
  name: string;
  steps: Step[];
}

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/scim');

function fixturesIn(dir: string): Array<{ file: string; fixture: Fixture }> {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) return fixturesIn(full);
      return entry.endsWith('.json') ? [{ file: path.relative(root, full), fixture: JSON.parse(readFileSync(full, 'utf8')) as Fixture }] : [];
    });
}

function substitute(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    if (!(name in vars)) throw new Error(`fixture uses {{${name}}} before saving it`);
    return vars[name]!;
  });
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  return value;
}

/** Strings written "~/regex/" in a fixture match by pattern. */
function matchers(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('~/') && value.endsWith('/')) return expect.stringMatching(new RegExp(value.slice(2, -1)));
  if (Array.isArray(value)) return value.map(matchers);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, matchers(v)]));
  return value;
}

function at(body: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), body);
}

async function send(t: ScimTestApp, client: ScimClient, other: ScimClient, step: Step, vars: Record<string, string>) {
  const actor = step.as === 'other' ? other : client;
  const url = `/scim/v2${substitute(step.path, vars) as string}`;
  const req = (await import('supertest')).default(t.app)[step.method.toLowerCase() as 'get'](url);
  if (step.as === 'bad') req.set('Authorization', 'Bearer idbscim_not-a-real-token');
  else if (step.as !== 'none') req.set('Authorization', `Bearer ${actor.token}`);
  for (const [k, v] of Object.entries(step.headers ?? {})) req.set(k, substitute(v, vars) as string);
  if (step.raw !== undefined) return req.set('Content-Type', step.contentType ?? 'application/scim+json').send(step.raw);
  if (step.body !== undefined) return req.set('Content-Type', step.contentType ?? 'application/scim+json').send(JSON.stringify(substitute(step.body, vars)));
  return req;
}

describe('SCIM contract (fixtures of what Okta, Entra ID and RFC 7644 clients send)', () => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await openScimApp();
  });
  afterAll(() => t.close());

  describe.each(fixturesIn(root).map(({ file, fixture }) => [file, fixture] as const))('%s', (_file, fixture) => {
    it(fixture.name, async () => {
      const client = await t.client();
      const other = await t.client();
      const vars: Record<string, string> = {};
      for (const [index, step] of fixture.steps.entries()) {
        t.deps.clock.advance(1000); // requests happen one after another, as they would
        const response = await send(t, client, other, step, vars);
        const where = `step ${index + 1} (${step.method} ${step.path}${step.note ? `: ${step.note}` : ''}) answered ${response.status} ${response.text}`;
        expect({ where, status: response.status }).toEqual({ where, status: step.expect.status });
        if (response.status !== 204 && response.text) expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
        for (const [name, value] of Object.entries(step.expect.headers ?? {})) expect({ where, [name]: response.headers[name.toLowerCase()] }).toEqual({ where, [name]: matchers(substitute(value, vars)) });
        if (step.expect.body !== undefined) expect({ where, body: response.body }).toMatchObject({ where, body: matchers(substitute(step.expect.body, vars)) as object });
        for (const dotted of step.expect.absent ?? []) expect({ where, [dotted]: at(response.body, dotted) }).toEqual({ where, [dotted]: undefined });
        for (const [dotted, elements] of Object.entries(step.expect.unordered ?? {})) {
          const actual = at(response.body, dotted) as unknown[];
          expect({ where, [dotted]: Array.isArray(actual) ? actual.length : actual }).toEqual({ where, [dotted]: elements.length });
          expect(actual).toEqual(expect.arrayContaining((matchers(substitute(elements, vars)) as unknown[]).map((e) => expect.objectContaining(e as object))));
        }
        if (step.expect.resources !== undefined) expect({ where, resources: (response.body.Resources as unknown[]).length }).toEqual({ where, resources: step.expect.resources });
        for (const [name, dotted] of Object.entries(step.save ?? {})) {
          const value = dotted.startsWith('header:') ? response.headers[dotted.slice(7)] : at(response.body, dotted);
          if (typeof value !== 'string') throw new Error(`${where}: nothing to save at ${dotted}`);
          vars[name] = value;
        }
      }
    });
  });
});
