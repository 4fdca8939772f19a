import type { MigrationModule } from './_helpers.js';

/**
 * Events cost a write less. Every SCIM write inserts its events; each index of the table is one more B-tree page
 * written (and written again at the checkpoint) on every commit, and none of the three earned it: nothing looks an
 * event up by id (its uniqueness is a random UUID's), by user, or by time (retention deletes by position, the order of
 * time give or take the instances' clocks). They go.
 *
 * On SQLite, moreover, SQLite numbers the events itself in the INSERT that writes them: `position` becomes
 * AUTOINCREMENT (never reused, even once retention has deleted every event), and event_sequence becomes a view of the
 * last number handed out (sqlite_sequence's), which is what the readers of the outbox compare their cursors with.
 * SQLite has one writer at a time, so its numbers are in commit order, and a transaction's events are one statement
 * instead of two (the UPDATE … RETURNING of the sequence, then the INSERT) and touch no sequence row of ours.
 * PostgreSQL, where transactions commit concurrently, keeps taking positions from event_sequence's row under its lock
 * (20261210100000).
 */
const NAMES = 'position, id, type, occurred_at, organization_ids, user_id, group_id, directory_id, actor_type, actor_id, data';
const columns = (key: string, id: string) => `position ${key}, id ${id}, type VARCHAR(64) NOT NULL, occurred_at DATETIME NOT NULL,
  organization_ids TEXT NOT NULL, user_id VARCHAR(36), group_id VARCHAR(36), directory_id VARCHAR(36), actor_type VARCHAR(32) NOT NULL,
  actor_id VARCHAR(255), data TEXT NOT NULL`;

async function rebuild(query: (sql: string) => Promise<unknown>, definition: string): Promise<void> {
  await query(`CREATE TABLE events_rebuilt (${definition})`);
  await query(`INSERT INTO events_rebuilt (${NAMES}) SELECT ${NAMES} FROM events`);
  await query('DROP TABLE events');
  await query('ALTER TABLE events_rebuilt RENAME TO events');
}

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    const sequelize = queryInterface.sequelize;
    const query = (sql: string) => sequelize.query(sql);
    if (sequelize.getDialect() === 'postgres') {
      await query('DROP INDEX events_occurred_at');
      await query('DROP INDEX events_user_position');
      await query('ALTER TABLE events DROP CONSTRAINT events_id_key');
      return;
    }
    await rebuild(query, columns('INTEGER PRIMARY KEY AUTOINCREMENT', 'VARCHAR(36) NOT NULL'));
    // Numbering goes on after the last position ever handed out (retention may have deleted the events that had it).
    await query("DELETE FROM sqlite_sequence WHERE name = 'events'");
    await query("INSERT INTO sqlite_sequence (name, seq) SELECT 'events', last_position FROM event_sequence WHERE id = 1");
    await query('DROP TABLE event_sequence');
    await query("CREATE VIEW event_sequence AS SELECT 1 AS id, seq AS last_position FROM sqlite_sequence WHERE name = 'events'");
  },
  async down({ context: { queryInterface } }) {
    const sequelize = queryInterface.sequelize;
    const query = (sql: string) => sequelize.query(sql);
    if (sequelize.getDialect() === 'sqlite') {
      await query('CREATE TABLE event_sequence_table (id INTEGER PRIMARY KEY, last_position BIGINT NOT NULL)');
      await query('INSERT INTO event_sequence_table (id, last_position) SELECT id, last_position FROM event_sequence');
      await query('DROP VIEW event_sequence');
      await query('ALTER TABLE event_sequence_table RENAME TO event_sequence');
      await rebuild(query, columns('INTEGER PRIMARY KEY', 'VARCHAR(36) NOT NULL UNIQUE'));
    } else {
      await query('ALTER TABLE events ADD CONSTRAINT events_id_key UNIQUE (id)');
    }
    await query('CREATE INDEX events_occurred_at ON events (occurred_at)');
    await query('CREATE INDEX events_user_position ON events (user_id, position)');
  },
};
