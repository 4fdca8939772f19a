import { randomBytes } from 'node:crypto';
import { Sequelize } from 'sequelize';
import { migrateDown, migrateUp, pendingMigrations } from '../../src/db/migrator.js';
import { buildDeps } from '../../src/deps.js';
import { systemActor } from '../../src/identity/actor.js';
import { emitEvent } from '../../src/identity/events.js';
import { createLogger } from '../../src/lib/logger.js';
import { migrations } from '../../migrations/index.js';
import { openTestDeps, type TestDeps } from '../helpers/db.js';
import { POSTGRES_URL, testDatabase, testSettings } from '../helpers/settings.js';

describe('migrations', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps({ migrate: false });
  });
  afterAll(() => deps.close());

  async function tables(): Promise<string[]> {
    const sql = deps.db.dialect === 'postgres'
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
      : "SELECT name FROM sqlite_master WHERE type = 'table'";
    const [rows] = await deps.db.sequelize.query(sql);
    return (rows as Array<{ name: string }>).map((r) => r.name).filter((t) => t !== 'schema_migrations' && t !== 'sqlite_sequence').sort();
  }

  it('run all up, all down and all up again', async () => {
    expect(await migrateUp(deps.db)).toEqual(migrations.map((m) => m.name));
    const created = await tables();
    expect(created).toEqual(expect.arrayContaining(['users', 'organizations', 'directories', 'memberships', 'groups', 'group_members', 'role_mappings', 'audit_events', 'one_time_tokens', 'scim_tokens', 'mail_messages']));
    expect(await pendingMigrations(deps.db)).toEqual([]);

    expect(await migrateDown(deps.db)).toEqual([...migrations].reverse().map((m) => m.name));
    expect(await tables()).toEqual([]);
    expect(await pendingMigrations(deps.db)).toHaveLength(migrations.length);

    await migrateUp(deps.db);
    expect(await tables()).toEqual(created);
  });

  it('creates exactly one local directory with the schema', async () => {
    const directories = await deps.db.models.Directory.findAll();
    expect(directories.map((d) => [d.kind, d.name])).toEqual([['local', 'local']]);
  });

  it('does nothing when run again', async () => {
    expect(await migrateUp(deps.db)).toEqual([]);
  });

  it('keeps the events and their positions when SQLite starts numbering them, and goes on after the last one handed out', async () => {
    await migrateDown(deps.db, { to: '20261210300200-create-scim-request-stats' });
    const event = (position: number) => ({ position, id: `00000000-0000-4000-8000-00000000000${position}`, type: 'user.updated', occurredAt: new Date(), organizationIds: [], userId: 'u', groupId: null, directoryId: null, actorType: 'system', actorId: null, data: {} });
    await deps.db.insert(deps.db.models.EventRecord, [event(1), event(2)]);
    // Position 3 was handed out, then retention deleted it.
    await deps.db.execute('UPDATE event_sequence SET last_position = 3 WHERE id = 1');
    await migrateUp(deps.db);
    await deps.db.tx(async (t) => emitEvent(deps.ctx, t, systemActor, { type: 'user.deleted', organizationIds: [], userId: 'u', data: {} }));
    const events = await deps.db.models.EventRecord.findAll({ order: [['position', 'ASC']] });
    expect(events.map((e) => [e.position, e.type])).toEqual([[1, 'user.updated'], [2, 'user.updated'], [4, 'user.deleted']]);
  });
});

(testDatabase === 'postgres' ? describe : describe.skip)('migrations in DATABASE_SCHEMA beside another installation in public', () => {
  it('creates and reads its own schema_migrations, not the one public holds', async () => {
    const name = `idbridge_schemas_${randomBytes(4).toString('hex')}`;
    const admin = new Sequelize(POSTGRES_URL, { logging: false });
    await admin.query(`CREATE DATABASE ${name}`);
    const url = POSTGRES_URL.replace(/\/[^/?]*(\?.*)?$/, `/${name}`);
    const open = (schema: string) => buildDeps(testSettings({}, { DATABASE_URL: url, DATABASE_SCHEMA: schema }), { logger: createLogger({ level: 'silent' }) });
    try {
      const inPublic = open('');
      expect(await inPublic.migrations.up()).toHaveLength(migrations.length);
      await inPublic.close();
      const beside = open('tenant_b');
      expect(await beside.migrations.up()).toHaveLength(migrations.length);
      expect(await beside.migrations.up()).toEqual([]);
      expect(await beside.migrations.pending()).toEqual([]);
      await beside.close();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    }
  });
});
