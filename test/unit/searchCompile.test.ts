import { compileCondition, compileOrder, type TableSpec } from '../../src/identity/search/compile.js';
import { GROUP_TABLE, USER_TABLE } from '../../src/identity/search/fields.js';

/** Every text field of every table and collection, as a filter may name it, with case ignored or respected. */
const tables: Record<string, TableSpec> = { users: USER_TABLE, groups: GROUP_TABLE };
const textFields = Object.entries(tables).flatMap(([table, spec]) => [
  ...Object.entries(spec.fields).filter(([, f]) => f.type === 'string' && !f.compile).map(([field]) => [table, undefined, field] as const),
  ...Object.entries(spec.collections).flatMap(([collection, c]) => Object.entries(c.fields).filter(([, f]) => f.type === 'string').map(([field]) => [table, collection, field] as const)),
]);

describe('case-insensitive comparison is compiled the same way on both databases, never with the database folding case', () => {
  it.each(textFields)('%s %s.%s compiles with case ignored and respected, on SQLite and PostgreSQL', (table, collection, field) => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      for (const ignoreCase of [true, false]) {
        const test = { field, op: 'eq' as const, value: 'Ñandú', ignoreCase };
        const condition = collection ? { some: { collection, where: { test } } } : { test };
        const { sql, params } = compileCondition(condition, tables[table]!, dialect);
        expect(sql).not.toMatch(/LOWER\(|UPPER\(|ILIKE/i);
        // The operand is folded here when, and only when, the comparison ignores case through a folded form.
        expect(['Ñandú', 'ñandú']).toContain(params[0]);
        if (dialect === 'postgres') expect(sql).not.toContain('json_extract');
        if (dialect === 'sqlite') expect(sql).not.toContain('->>');
      }
    }
  });

  it('sorts texts by their folded forms', () => {
    expect(compileOrder({ field: 'displayName' }, USER_TABLE, 'sqlite', 'users.id', 'users.created_at')).toContain("json_extract(users.folded, '$.displayName')");
    expect(compileOrder({ field: 'displayName' }, USER_TABLE, 'postgres', 'users.id', 'users.created_at')).toContain("(users.folded::json ->> 'displayName')");
    expect(compileOrder({ field: 'userName' }, USER_TABLE, 'postgres', 'users.id', 'users.created_at')).toContain('users.user_name_normalized');
  });
});
