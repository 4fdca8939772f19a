import { loadConfig } from '../../src/config/load.js';
import { roleCatalogSchema } from '../../src/config/schema.js';
import { RoleCatalog } from '../../src/identity/roleCatalog.js';

const catalog = new RoleCatalog(loadConfig({ env: {} }).catalog);

describe('RoleCatalog', () => {
  it('takes the highest role when several sources give roles in one organization', () => {
    expect(catalog.highest('customer', ['standard-user', 'full-access'])?.key).toBe('full-access');
    expect(catalog.highest('utility', ['viewer', 'operator'])?.key).toBe('operator');
  });

  it('names the default role of each kind', () => {
    expect(catalog.defaultRole('customer').key).toBe('standard-user');
    expect(catalog.defaultRole('utility').key).toBe('viewer');
  });

  it('refuses a role of another kind, listing the valid ones', () => {
    expect(() => catalog.require('customer', 'administrator')).toThrow('"administrator" is not a role of customer organizations; use one of: full-access, standard-user.');
  });

  it('compares roles by rank', () => {
    expect(catalog.isAtMost('utility', 'viewer', 'operator')).toBe(true);
    expect(catalog.isAtMost('utility', 'administrator', 'operator')).toBe(false);
  });

  it('names roles in a language, with the label where the catalog gives none for it', () => {
    expect(catalog.labelOf('utility', 'viewer', 'es')).toBe('Lector');
    expect(catalog.labelOf('customer', 'full-access', 'es')).toBe('Acceso completo');
    expect(catalog.labelOf('utility', 'viewer', 'en')).toBe('Viewer');
    const bare = new RoleCatalog({ utility: { default: 'a', roles: [{ key: 'a', label: 'Alpha', canManageUsers: false }] }, customer: { default: 'b', roles: [{ key: 'b', label: 'Beta', canManageUsers: false }] } });
    expect(bare.labelOf('utility', 'a', 'es')).toBe('Alpha');
    expect(catalog.labelOf('utility', 'retired-role', 'es')).toBe('retired-role');
  });

  it('accepts labels only for the languages of the pages', () => {
    const role = (labels: unknown) => ({ utility: { default: 'a', roles: [{ key: 'a', label: 'A', labels, canManageUsers: false }] }, customer: { default: 'b', roles: [{ key: 'b', label: 'B', canManageUsers: false }] } });
    expect(roleCatalogSchema.safeParse(role({ es: 'Á' })).success).toBe(true);
    expect(roleCatalogSchema.safeParse(role({ fr: 'A' })).success).toBe(false);
    expect(roleCatalogSchema.safeParse(role({ es: '' })).success).toBe(false);
  });
});
