import { Op } from 'sequelize';
import type { Clock } from '../lib/clock.js';
import type { Database } from './database.js';

type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; accountId?: string; consumed?: number };

/** oidc-provider's storage contract. */
export interface OidcAdapter {
  upsert(id: string, payload: Payload, expiresIn: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/**
 * oidc-provider's sessions, grants, codes and tokens in idbridge's database (SQLite or PostgreSQL), so that every
 * instance shares them. Clients are not stored here: `findClient` reads idbridge's own client table.
 */
export function oidcAdapterFor(db: Database, clock: Clock, findClient: (id: string) => Promise<Payload | undefined>): new (model: string) => OidcAdapter {
  const { OidcPayload } = db.models;

  const live = (row: { payload: string; expiresAt: Date | null; consumedAt: Date | null } | null): Payload | undefined => {
    if (!row) return undefined;
    if (row.expiresAt && row.expiresAt.getTime() <= clock.now().getTime()) return undefined;
    const payload = JSON.parse(row.payload) as Payload;
    return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
  };

  return class DatabaseAdapter implements OidcAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are registered through idbridge, not dynamically');
      await OidcPayload.upsert({
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        grantId: payload.grantId ?? null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        accountId: payload.accountId ?? null,
        expiresAt: expiresIn ? new Date(clock.now().getTime() + expiresIn * 1000) : null,
        consumedAt: null,
      });
    }

    async find(id: string): Promise<Payload | undefined> {
      if (this.model === 'Client') return findClient(id);
      return live(await OidcPayload.findOne({ where: { model: this.model, id } }));
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return live(await OidcPayload.findOne({ where: { model: this.model, uid } }));
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return live(await OidcPayload.findOne({ where: { model: this.model, userCode } }));
    }

    async consume(id: string): Promise<void> {
      await OidcPayload.update({ consumedAt: clock.now() }, { where: { model: this.model, id } });
    }

    async destroy(id: string): Promise<void> {
      await OidcPayload.destroy({ where: { model: this.model, id } });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await OidcPayload.destroy({ where: { grantId } });
    }
  };
}

/** Deletes expired OIDC state. */
export async function sweepOidcPayloads(db: Database, clock: Clock): Promise<number> {
  return db.models.OidcPayload.destroy({ where: { expiresAt: { [Op.lte]: clock.now() } } });
}
