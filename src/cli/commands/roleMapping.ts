import type { RoleMappingView } from '../../identity/roleMappings.js';
import { optional, required, table, UsageError, type Command } from '../command.js';

export const roleMappingCommands: Command[] = [
  {
    words: ['role-mapping', 'create'],
    summary: 'Give the members of matching groups of a directory a role in an organization.',
    usage: 'role-mapping create --directory NAME (--group-name NAME | --group-external-id ID | --group-pattern "Water-*") --org SLUG --role ROLE',
    options: { directory: { type: 'string' }, 'group-name': { type: 'string' }, 'group-external-id': { type: 'string' }, 'group-pattern': { type: 'string' }, org: { type: 'string' }, role: { type: 'string' } },
    async run({ services, values, principal }) {
      const given = ([['displayName', 'group-name'], ['externalId', 'group-external-id'], ['pattern', 'group-pattern']] as const)
        .map(([type, option]) => [type, optional(values, option)] as const)
        .filter(([, value]) => value !== undefined);
      if (given.length !== 1) throw new UsageError('give exactly one of --group-name, --group-external-id or --group-pattern');
      const [matchType, matchValue] = given[0] as readonly ['displayName' | 'externalId' | 'pattern', string];
      return services.roleMappings.create(principal, { directory: required(values, 'directory'), matchType, matchValue, organization: required(values, 'org'), role: required(values, 'role') });
    },
    text: (m) => {
      const v = m as RoleMappingView;
      return `Mapped groups with ${v.match.type} "${v.match.value}" of ${v.directory.name} to ${v.role} in ${v.organization.slug} (id ${v.id}).`;
    },
  },
  {
    words: ['role-mapping', 'list'],
    summary: 'List role mappings.',
    usage: 'role-mapping list [--directory NAME]',
    options: { directory: { type: 'string' } },
    async run({ services, values, principal }) {
      const directory = optional(values, 'directory');
      return { roleMappings: await services.roleMappings.list(principal, directory ? { directory } : {}) };
    },
    text: (r) => {
      const { roleMappings } = r as { roleMappings: RoleMappingView[] };
      if (roleMappings.length === 0) return 'No role mappings.';
      return table([['ID', 'DIRECTORY', 'GROUPS', 'ORGANIZATION', 'ROLE'], ...roleMappings.map((m) => [m.id, m.directory.name, `${m.match.type}=${m.match.value}`, m.organization.slug, m.role])]);
    },
  },
  {
    words: ['role-mapping', 'delete'],
    summary: 'Delete a role mapping; the roles it gave go with it.',
    usage: 'role-mapping delete --id ID',
    options: { id: { type: 'string' } },
    async run({ services, values, principal }) {
      const id = required(values, 'id');
      await services.roleMappings.delete(principal, id);
      return { deleted: id };
    },
    text: (r) => `Deleted role mapping ${(r as { deleted: string }).deleted}.`,
  },
];
