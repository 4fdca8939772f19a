import type { MigrationModule } from './_helpers.js';

/**
 * SQLite numbers the events itself, in the INSERT that writes them: `position` becomes AUTOINCREMENT (never reused,
 * even once retention has deleted every event) and a trigger keeps event_sequence's last_position (what the readers
 * of the outbox compare their cursors with) in step. SQLite has one writer at a time, so the numbers it hands out are
 * in commit order; a transaction's events then cost one statement instead of two (the UPDATE … RETURNING of the
 * sequence, then the INSERT). PostgreSQL, where transactions commit concurrently, keeps taking positions from
 * event_sequence's row under its lock (20261210100000): nothing changes there.
 */
const COLUMNS = `position INTEGER PRIMARY KEY AUTOINCREMENT, id VARCHAR(36) NOT NULL UNIQUE, type VARCHAR(64) NOT NULL,
  occurred_at DATETIME NOT NULL, organization_ids TEXT NOT NULL, user_id VARCHAR(36), group_id VARCHAR(36),
  directory_id VARCHAR(36), actor_type VARCHAR(32) NOT NULL, actor_id VARCHAR(255), data TEXT NOT NULL`;
const PLAIN_COLUMNS = COLUMNS.replace('INTEGER PRIMARY KEY AUTOINCREMENT', 'INTEGER PRIMARY KEY');
const NAMES = 'position, id, type, occurred_at, organization_ids, user_id, group_id, directory_id, actor_type, actor_id, data';

async function rebuild(query: (sql: string) => Promise<unknown>, columns: string): Promise<void> {
  await query(`CREATE TABLE events_rebuilt (${columns})`);
  await query(`INSERT INTO events_rebuilt (${NAMES}) SELECT ${NAMES} FROM events`);
  await query('DROP TABLE events');
  await query('ALTER TABLE events_rebuilt RENAME TO events');
  await query('CREATE INDEX events_occurred_at ON events (occurred_at)');
  await query('CREATE INDEX events_user_position ON events (user_id, position)');
}

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    const sequelize = queryInterface.sequelize;
    if (sequelize.getDialect() !== 'sqlite') return;
    const query = (sql: string) => sequelize.query(sql);
    await rebuild(query, COLUMNS);
    // Numbering goes on after the last position ever handed out (retention may have deleted the events that had it).
    await query("DELETE FROM sqlite_sequence WHERE name = 'events'");
    await query("INSERT INTO sqlite_sequence (name, seq) SELECT 'events', last_position FROM event_sequence WHERE id = 1");
    await query('CREATE TRIGGER events_numbered AFTER INSERT ON events BEGIN UPDATE event_sequence SET last_position = NEW.position WHERE id = 1; END');
  },
  async down({ context: { queryInterface } }) {
    const sequelize = queryInterface.sequelize;
    if (sequelize.getDialect() !== 'sqlite') return;
    const query = (sql: string) => sequelize.query(sql);
    await query('DROP TRIGGER events_numbered');
    await rebuild(query, PLAIN_COLUMNS);
  },
};
