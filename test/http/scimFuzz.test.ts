import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createOrganization } from '../../src/identity/organizations.js';
import { testOperator } from '../helpers/db.js';
import { CORE_GROUP, CORE_USER, ENTERPRISE, IDBRIDGE, PATCH_OP, SCIM, openScimApp, type ScimTestApp } from '../helpers/scim.js';
import { machineLoad, scaled } from '../helpers/machine.js';

/**
 * A bounded, seeded fuzz run against a real server: random and mutated SCIM bodies, filters, ids, headers and query
 * strings. Every answer must come (no hang), be below 500, and be a SCIM answer; at the end the server must hold
 * exactly what the acknowledged writes made (each user and group as its last acknowledged representation, and no
 * other). Deterministic for a seed:
 *
 *   IDBRIDGE_FUZZ_SEED=7 IDBRIDGE_FUZZ_CASES=20000 npm test -- --selectProjects http --testPathPatterns scimFuzz
 *   (add IDBRIDGE_FUZZ_REPORT=/tmp/fuzz.json for the counts)
 */
const SEED = Number(process.env.IDBRIDGE_FUZZ_SEED ?? 20261206);
const CASES = Number(process.env.IDBRIDGE_FUZZ_CASES ?? 3000);
const REQUEST_TIMEOUT_MS = scaled(15_000);

/** mulberry32: a small seeded generator, so that a failing case can be replayed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const WEIRD_STRINGS = [
  '', ' ', 'a', 'x'.repeat(300), 'ａｄｍｉｎ', 'ﬀ', 'Ñandú', 'İstanbul', 'straße', '😀', '\u202e', '\u0000', 'a\u0000b', '\u0007', '\ud800',
  '"', '\\', "'; DROP TABLE users; --", '%', '_', '*', '[', ']', '(', ')', 'null', 'true', 'False', '1e309', '-0', '../..', 'urn:x:y',
  '<script>', '\n', '\t', 'a'.repeat(5000),
];
const ATTRIBUTES = [
  'userName', 'displayName', 'name.givenName', 'name.familyName', 'emails', 'emails.value', 'emails.type', 'emails.primary', 'phoneNumbers.value',
  'active', 'title', 'externalId', 'id', 'meta.created', 'meta.lastModified', 'groups', 'members', 'members.value', 'members.display',
  `${ENTERPRISE}:manager.value`, `${ENTERPRISE}:department`, `${IDBRIDGE}:role`, `${IDBRIDGE}:status`, 'nickName', 'addresses', 'x509Certificates',
  'unknownAttr', 'urn:acme:2.0:User:x', 'emails[type eq "work"].value', 'members[value eq "x"]', '', '.', 'a.b.c.d',
];
const OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'EQ', 'xx', 'and', 'or', 'not'];

describe('SCIM fuzz (seeded): no 5xx, no hang, and exactly what was acknowledged is stored', () => {
  let t: ScimTestApp;
  let server: Server;
  let base: string;
  const rng = generator(SEED);
  const tokens: string[] = [];
  /** The last acknowledged representation of each live resource. */
  const users = new Map<string, Record<string, unknown>>();
  const groups = new Map<string, Record<string, unknown>>();
  /** Users of the SSO directory (the first token's): the ones its groups may hold. */
  const ssoUsers = new Set<string>();
  const counts: Record<string, number> = {};
  const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);

  beforeAll(async () => {
    t = await openScimApp({ scim: { rateLimitPerSecond: 1_000_000, rateLimitBurst: 1_000_000, maxBodyBytes: 256 * 1024 } });
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Fuzz Org', slug: 'fuzz-org' });
    tokens.push((await t.client()).token, (await t.client({ directory: 'local', organization: 'fuzz-org' })).token);
    server = createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}${SCIM}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  const weirdString = (): string => (rng.chance(0.5) ? rng.pick(WEIRD_STRINGS) : Array.from({ length: rng.int(12) }, () => String.fromCharCode(rng.chance(0.8) ? 32 + rng.int(95) : rng.int(0x3000))).join(''));
  const randomJson = (depth = 0): Json => {
    const roll = rng.int(depth > 3 ? 6 : 9);
    switch (roll) {
      case 0: return null;
      case 1: return rng.chance(0.5);
      case 2: return rng.pick([0, -1, 1.5, 1e300, -1e300, 2 ** 53, 2147483648, Number.MAX_SAFE_INTEGER]);
      case 3: case 4: case 5: return weirdString();
      case 6: return Array.from({ length: rng.int(4) }, () => randomJson(depth + 1));
      default: return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.chance(0.6) ? rng.pick(ATTRIBUTES) : weirdString(), randomJson(depth + 1)]));
    }
  };
  const nestedJson = (levels: number): Json => (levels === 0 ? 'leaf' : rng.chance(0.5) ? [nestedJson(levels - 1)] : { a: nestedJson(levels - 1) });
  const someUserId = () => (users.size && rng.chance(0.8) ? rng.pick([...users.keys()]) : rng.pick(['00000000-0000-0000-0000-000000000000', 'a%00b', '%ff', 'x'.repeat(300), '..%2f..', weirdString()]));
  const someGroupId = () => (groups.size && rng.chance(0.8) ? rng.pick([...groups.keys()]) : rng.pick(['00000000-0000-0000-0000-000000000000', 'a%00b', weirdString()]));
  /** Percent-encoding that survives lone surrogates (sent as the bytes of an invalid UTF-8 sequence). */
  const enc = (text: string) => {
    try {
      return encodeURIComponent(text);
    } catch {
      return '%ED%A0%80';
    }
  };
  const encodeId = (id: string) => (/^[0-9a-f-]{36}$/.test(id) || id.includes('%') ? id : enc(id));

  const validUser = (): Record<string, Json> => {
    const n = rng.int(1_000_000);
    return {
      schemas: [CORE_USER],
      userName: rng.chance(0.1) ? rng.pick(['ａｄｍｉｎ@fuzz.test', 'admin@fuzz.test', 'ADMIN@FUZZ.TEST']) : `fuzz${n}@fuzz.test`,
      name: { givenName: rng.chance(0.2) ? weirdString() : `Given${n}`, familyName: `Family${n}` },
      displayName: rng.chance(0.3) ? weirdString() : `Fuzz ${n}`,
      emails: [{ value: `fuzz${n}@fuzz.test`, type: 'work', primary: rng.chance(0.5) }],
      active: rng.chance(0.9),
    };
  };
  const validGroup = (): Record<string, Json> => ({
    schemas: [CORE_GROUP],
    displayName: rng.chance(0.2) ? weirdString() : `Fuzz Group ${rng.int(1_000_000)}`,
    members: Array.from({ length: rng.int(4) }, () => ({ value: ssoUsers.size && rng.chance(0.9) ? rng.pick([...ssoUsers]) : rng.pick([...users.keys(), 'nobody']), ...(rng.chance(0.2) ? { type: rng.pick(['User', 'Group', 'x']) } : {}), ...(rng.chance(0.2) ? { displayName: 'ignored' } : {}) })),
  });
  const patchOp = (): Record<string, Json> => ({
    schemas: [PATCH_OP],
    Operations: Array.from({ length: 1 + rng.int(3) }, () => ({
      op: rng.pick(['add', 'replace', 'remove', 'Replace', 'Add', 'copy', '']),
      ...(rng.chance(0.8) ? { path: rng.chance(0.8) ? rng.pick(ATTRIBUTES) : weirdString() } : {}),
      ...(rng.chance(0.85) ? { value: rng.chance(0.5) ? weirdString() : randomJson() } : {}),
    })),
  });
  /** PatchOps a client really sends, so that writes succeed often enough for the final comparison to mean something. */
  const validUserPatch = (): Record<string, Json> => ({
    schemas: [PATCH_OP],
    Operations: [rng.pick<Json>([
      { op: 'replace', path: 'displayName', value: rng.chance(0.5) ? weirdString() : `Patched ${rng.int(1000)}` },
      { op: 'Replace', path: 'active', value: rng.pick(['False', 'True', false, true]) },
      { op: 'add', path: 'emails[type eq "work"].value', value: `patched${rng.int(1000)}@fuzz.test` },
      { op: 'replace', value: { title: weirdString(), nickName: `Nick ${rng.int(1000)}` } },
      { op: 'remove', path: 'title' },
      { op: 'add', path: `${ENTERPRISE}:department`, value: weirdString() },
    ])],
  });
  const validGroupPatch = (): Record<string, Json> => {
    const member = ssoUsers.size ? rng.pick([...ssoUsers]) : 'nobody';
    return {
      schemas: [PATCH_OP],
      Operations: [rng.pick<Json>([
        { op: 'add', path: 'members', value: [{ value: member }] },
        { op: 'remove', path: `members[value eq "${member}"]` },
        { op: 'replace', path: 'displayName', value: `Renamed ${rng.int(100000)}` },
        { op: 'Remove', path: 'members', value: [{ value: member }] },
      ])],
    };
  };
  /** A body mutated in one of many ways: a key removed, a value replaced, a type changed, a key added. */
  const mutate = (body: Record<string, Json>): Json => {
    const copy = JSON.parse(JSON.stringify(body)) as Record<string, Json>;
    const keys = Object.keys(copy);
    for (let i = rng.int(3); i >= 0; i--) {
      const key = rng.pick(keys);
      switch (rng.int(5)) {
        case 0: delete copy[key]; break;
        case 1: copy[key] = randomJson(); break;
        case 2: copy[rng.pick(ATTRIBUTES)] = randomJson(); break;
        case 3: copy[key] = nestedJson(20 + rng.int(30)); break;
        default: copy[key] = [copy[key] ?? null, copy[key] ?? null];
      }
    }
    return rng.chance(0.05) ? (rng.pick([[copy], null, 42, 'body']) as Json) : copy;
  };
  const filter = (depth = 0): string => {
    const roll = rng.int(depth > 4 ? 3 : 7);
    if (roll <= 2) {
      const op = rng.pick(OPS);
      const value = rng.pick([JSON.stringify(weirdString()), 'true', 'false', 'null', String(rng.int(100)), '"unterminated', '2026-01-01T00:00:00Z']);
      return op === 'pr' ? `${rng.pick(ATTRIBUTES)} pr` : `${rng.pick(ATTRIBUTES)} ${op} ${value}`;
    }
    if (roll === 3) return `not (${filter(depth + 1)})`;
    if (roll === 4) return `(${filter(depth + 1)})`;
    if (roll === 5) return `emails[${filter(depth + 1)}]`;
    return `${filter(depth + 1)} ${rng.pick(['and', 'or', 'AND', 'nor'])} ${filter(depth + 1)}`;
  };
  const mutateText = (text: string): string => {
    if (!rng.chance(0.3) || text.length === 0) return text;
    const at = rng.int(text.length);
    return rng.chance(0.5) ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + rng.pick(['(', ')', '"', '[', ']', ' ', '\\', '\u0000', 'not ']) + text.slice(at);
  };
  const query = (): string => {
    const params: string[] = [];
    if (rng.chance(0.6)) params.push(`filter=${enc(mutateText(filter()))}`);
    if (rng.chance(0.3)) params.push(`startIndex=${rng.pick(['1', '0', '-5', '99999999999999999999', 'one', '2147483648', '1.5'])}`);
    if (rng.chance(0.3)) params.push(`count=${rng.pick(['0', '1', '10', '-1', '1000000', 'x'])}`);
    if (rng.chance(0.2)) params.push(`sortBy=${enc(rng.pick(ATTRIBUTES))}&sortOrder=${rng.pick(['ascending', 'descending', 'sideways'])}`);
    if (rng.chance(0.2)) params.push(`${rng.pick(['attributes', 'excludedAttributes'])}=${enc(rng.pick(ATTRIBUTES))}`);
    if (rng.chance(0.05)) params.push(`${enc(weirdString())}=${enc(weirdString())}`);
    return params.length ? `?${params.join('&')}` : '';
  };

  interface Case {
    method: string;
    path: string;
    body?: Json | Buffer | string;
    headers: Record<string, string>;
    /** What an acknowledged answer changes in the model. */
    kind: 'read' | 'createUser' | 'writeUser' | 'deleteUser' | 'createGroup' | 'writeGroup' | 'deleteGroup';
  }

  const nextCase = (): Case => {
    const headers: Record<string, string> = {};
    if (rng.chance(0.1)) headers['If-Match'] = rng.pick([',,,', '', '*', 'W/"1"', '"1"', 'W/"999"', weirdString().replace(/[^\x20-\x7e]/g, '')]);
    const roll = rng.int(20);
    let c: Case;
    if (roll < 4) c = { method: 'POST', path: '/Users', body: rng.chance(0.5) ? validUser() : mutate(validUser()), headers, kind: 'createUser' };
    else if (roll < 6) c = { method: 'PUT', path: `/Users/${encodeId(someUserId())}`, body: rng.chance(0.5) ? validUser() : mutate(validUser()), headers, kind: 'writeUser' };
    else if (roll < 9) c = { method: 'PATCH', path: `/Users/${encodeId(someUserId())}`, body: rng.pick([validUserPatch, patchOp, () => mutate(patchOp())])(), headers, kind: 'writeUser' };
    else if (roll < 10) c = { method: 'DELETE', path: `/Users/${encodeId(someUserId())}`, headers, kind: 'deleteUser' };
    else if (roll < 11) c = { method: 'POST', path: '/Groups', body: rng.chance(0.5) ? validGroup() : mutate(validGroup()), headers, kind: 'createGroup' };
    else if (roll < 12) c = rng.chance(0.3)
      ? { method: 'PUT', path: `/Groups/${encodeId(someGroupId())}`, body: rng.chance(0.7) ? validGroup() : mutate(validGroup()), headers, kind: 'writeGroup' }
      : { method: 'PATCH', path: `/Groups/${encodeId(someGroupId())}`, body: rng.chance(0.6) ? validGroupPatch() : patchOp(), headers, kind: 'writeGroup' };
    else if (roll < 13) c = rng.chance(0.25) ? { method: 'DELETE', path: `/Groups/${encodeId(someGroupId())}`, headers, kind: 'deleteGroup' } : { method: 'PATCH', path: `/Groups/${encodeId(someGroupId())}`, body: validGroupPatch(), headers, kind: 'writeGroup' };
    else if (roll < 17) c = { method: 'GET', path: `${rng.pick(['/Users', '/Groups', `/Users/${encodeId(someUserId())}`, `/Groups/${encodeId(someGroupId())}`])}${query()}`, headers, kind: 'read' };
    else if (roll < 19) c = { method: 'POST', path: rng.pick(['/Users/.search', '/Groups/.search', '/Users/.search', '/Groups/.search', '/.search']), body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: mutateText(filter()), startIndex: rng.pick([1, 0, -1, 1e300, 'x', 2 ** 31]), count: rng.pick([1, 5, 1e9, -3, null]) } as Json, headers, kind: 'read' };
    else c = { method: rng.pick(['GET', 'POST', 'DELETE', 'OPTIONS']), path: rng.pick(['/Schemas', `/Schemas/${enc(weirdString())}`, '/ServiceProviderConfig', '/ResourceTypes', `/${enc(weirdString())}`, '/Users/a/b', '/Users%00']), headers, kind: 'read' };
    // Raw mutations of how the body travels.
    if (c.body !== undefined && rng.chance(0.12)) {
      const text = JSON.stringify(c.body);
      switch (rng.int(5)) {
        case 0: c.body = text.slice(0, rng.int(text.length)); break;
        case 1: c.body = gzipSync(text); headers['Content-Encoding'] = 'gzip'; break;
        case 2: c.body = Buffer.from(text); headers['Content-Encoding'] = rng.pick(['gzip', 'br', 'deflate', 'compress']); break;
        case 3: headers['Content-Type'] = rng.pick(['text/plain', 'application/json; charset=latin1', 'application/scim+json; charset=utf-8', '']); break;
        default: c.body = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      }
    }
    return c;
  };

  async function send(c: Case, token: string): Promise<{ status: number; json: Record<string, unknown> | undefined; text: string }> {
    const body = c.body === undefined ? undefined : Buffer.isBuffer(c.body) ? c.body : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    const response = await fetch(`${base}${c.path}`, {
      method: c.method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/scim+json' } : {}), ...c.headers },
      ...(body !== undefined ? { body: body as BodyInit } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  }

  /** What the comparison holds a resource to: its representation without what other resources' writes change. */
  const comparable = (resource: Record<string, unknown>) => {
    const { groups: _groups, meta, ...rest } = resource;
    return { ...rest, version: (meta as { version?: string } | undefined)?.version };
  };

  it(`answers ${CASES} random and mutated requests (seed ${SEED}) below 500, each within ${REQUEST_TIMEOUT_MS / 1000} s`, async () => {
    const failures: string[] = [];
    /** Cases answered, but slower than a second: in the report, to find what a slow machine might time out on. */
    const slow: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const c = nextCase();
      const token = rng.chance(0.75) ? tokens[0]! : tokens[1]!;
      let answer: Awaited<ReturnType<typeof send>>;
      const started = performance.now();
      try {
        answer = await send(c, token);
        const ms = performance.now() - started;
        if (ms > 1000) slow.push(`#${i} ${Math.round(ms)} ms ${c.method} ${c.path} ${Buffer.isBuffer(c.body) ? '(bytes)' : JSON.stringify(c.body)?.slice(0, 2000)}`);
      } catch (error) {
        failures.push(`#${i} ${c.method} ${c.path} ${Buffer.isBuffer(c.body) ? '(bytes)' : JSON.stringify(c.body)?.slice(0, 2000)}: no answer (${String(error)}; ${machineLoad()})`);
        count('no answer');
        continue;
      }
      count(`${Math.floor(answer.status / 100)}xx`);
      count(`${c.kind} ${answer.status}`);
      // Root-level search is deliberately not offered: 501 Not Implemented (RFC 7644 §3.12) is its answer, not a failure.
      const deliberate = answer.status === 501 && c.path.startsWith('/.search');
      if (answer.status >= 500 && !deliberate) failures.push(`#${i} ${c.method} ${c.path} ${typeof c.body === 'string' || Buffer.isBuffer(c.body) ? '' : JSON.stringify(c.body)?.slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 200)}`);
      if (answer.status !== 204 && c.method !== 'OPTIONS' && answer.json === undefined && answer.text) failures.push(`#${i} ${c.method} ${c.path} → ${answer.status} not JSON: ${answer.text.slice(0, 120)}`);
      // The resource the case names: ids of the model are UUIDs, sent as they are.
      const id = c.path.split('?')[0]!.split('/')[2] ?? '';
      const resource = answer.json as Record<string, unknown> | undefined;
      if (c.kind === 'createUser' && answer.status === 201) {
        users.set(String(resource!.id), resource!);
        if (token === tokens[0]) ssoUsers.add(String(resource!.id));
      }
      if (c.kind === 'writeUser' && answer.status === 200) users.set(id, resource!);
      if (c.kind === 'writeUser' && answer.status === 204) users.set(id, (await send({ method: 'GET', path: `/Users/${encodeId(id)}`, headers: {}, kind: 'read' }, token)).json!);
      if (c.kind === 'deleteUser' && answer.status === 204) {
        users.delete(id);
        ssoUsers.delete(id);
        for (const group of groups.values()) if (Array.isArray(group.members)) group.members = (group.members as Array<{ value: string }>).filter((m) => m.value !== id);
      }
      if (c.kind === 'createGroup' && answer.status === 201) groups.set(String(resource!.id), resource!);
      if (c.kind === 'writeGroup' && answer.status === 200) groups.set(id, resource!);
      if (c.kind === 'writeGroup' && answer.status === 204) groups.set(id, (await send({ method: 'GET', path: `/Groups/${encodeId(id)}`, headers: {}, kind: 'read' }, token)).json!);
      if (c.kind === 'deleteGroup' && answer.status === 204) groups.delete(id);
    }
    if (process.env.IDBRIDGE_FUZZ_REPORT) writeFileSync(process.env.IDBRIDGE_FUZZ_REPORT, JSON.stringify({ seed: SEED, cases: CASES, counts, users: users.size, groups: groups.size, failures, slow }, null, 1));
    expect(failures).toEqual([]);
  }, scaled(600_000));

  it('holds exactly the users and groups the acknowledged writes made, each as last acknowledged', async () => {
    const all = async (path: string) => {
      const found: Array<Record<string, unknown>> = [];
      for (const token of tokens) {
        for (let start = 1; ; start += 200) {
          const page = (await send({ method: 'GET', path: `${path}?startIndex=${start}&count=200`, headers: {}, kind: 'read' }, token)).json as { Resources?: Array<Record<string, unknown>>; totalResults: number };
          found.push(...(page.Resources ?? []));
          if (!page.Resources?.length || start + 200 > page.totalResults) break;
        }
      }
      return new Map(found.map((r) => [String(r.id), r]));
    };
    const storedUsers = await all('/Users');
    expect([...storedUsers.keys()].sort()).toEqual([...users.keys()].sort());
    for (const [id, acknowledged] of users) expect({ id, stored: comparable(storedUsers.get(id)!) }).toEqual({ id, stored: comparable(acknowledged) });
    const storedGroups = await all('/Groups');
    expect([...storedGroups.keys()].sort()).toEqual([...groups.keys()].sort());
    const membersOf = (group: Record<string, unknown>) => ((group.members as Array<{ value: string }> | undefined) ?? []).map((m) => m.value).sort();
    for (const [id, acknowledged] of groups) {
      const stored = storedGroups.get(id)!;
      expect({ id, displayName: stored.displayName, members: membersOf(stored) }).toEqual({ id, displayName: acknowledged.displayName, members: membersOf(acknowledged) });
    }
  }, scaled(120_000));
});
