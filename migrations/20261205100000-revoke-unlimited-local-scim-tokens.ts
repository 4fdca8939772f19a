import { QueryTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

const ACTION = 'scim_token.revoked';
const REASON = 'A token of the whole local directory reached every organization\'s users; local tokens are now limited to one organization.';

/**
 * A SCIM token of the local directory not limited to an organization reached every organization's users (and, before
 * the policy hid them, platform administrators). Such tokens can no longer be created; this revokes the ones that
 * exist, each with an audit event saying why. Down un-revokes exactly the tokens this revoked.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    const sequelize = queryInterface.sequelize;
    const now = new Date();
    const tokens = await sequelize.query<{ id: string; name: string; directory_id: string }>(
      "SELECT t.id, t.name, t.directory_id FROM scim_tokens t JOIN directories d ON d.id = t.directory_id WHERE d.kind = 'local' AND t.organization_id IS NULL AND t.revoked_at IS NULL",
      { type: QueryTypes.SELECT },
    );
    for (const token of tokens) {
      await sequelize.query('UPDATE scim_tokens SET revoked_at = ? WHERE id = ?', { replacements: [now, token.id] });
      await sequelize.query(
        'INSERT INTO audit_events (occurred_at, actor_type, actor_id, actor_label, action, target_type, target_id, directory_id, details) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)',
        { replacements: [now, 'system', 'migration 20261205100000', ACTION, 'scim_token', token.id, token.directory_id, JSON.stringify({ name: token.name, reason: REASON })] },
      );
    }
  },
  async down({ context: { queryInterface } }) {
    const sequelize = queryInterface.sequelize;
    const revoked = await sequelize.query<{ target_id: string }>("SELECT target_id FROM audit_events WHERE action = ? AND actor_label = 'migration 20261205100000'", { type: QueryTypes.SELECT, replacements: [ACTION] });
    for (const { target_id: id } of revoked) await sequelize.query('UPDATE scim_tokens SET revoked_at = NULL WHERE id = ?', { replacements: [id] });
    await sequelize.query("DELETE FROM audit_events WHERE action = ? AND actor_label = 'migration 20261205100000'", { replacements: [ACTION] });
  },
};
