import type { DirectoryView } from '../../identity/directories.js';
import { list, required, table, type Command } from '../command.js';

const describe = (d: DirectoryView) => `${d.name} (${d.kind}) id=${d.id} organizations: ${d.organizations.map((o) => o.slug).join(', ') || 'none'}`;

export const directoryCommands: Command[] = [
  {
    words: ['directory', 'create'],
    summary: 'Create a directory for an enterprise IdP connection (there is always one local directory).',
    usage: 'directory create --kind sso --name NAME [--org SLUG]...',
    options: { kind: { type: 'string' }, name: { type: 'string' }, org: { type: 'string', multiple: true } },
    async run({ services, values, principal }) {
      return services.directories.create(principal, { kind: required(values, 'kind') as 'sso', name: required(values, 'name'), organizations: list(values, 'org') });
    },
    text: (d) => `Created directory ${describe(d as DirectoryView)}`,
  },
  {
    words: ['directory', 'link'],
    summary: 'Allow a directory to grant roles in an organization.',
    usage: 'directory link --directory NAME --org SLUG',
    options: { directory: { type: 'string' }, org: { type: 'string' } },
    async run({ services, values, principal }) {
      return services.directories.link(principal, { directory: required(values, 'directory'), organization: required(values, 'org') });
    },
    text: (d) => `Linked: ${describe(d as DirectoryView)}`,
  },
  {
    words: ['directory', 'unlink'],
    summary: 'Stop a directory from granting roles in an organization (its role mappings there go too).',
    usage: 'directory unlink --directory NAME --org SLUG',
    options: { directory: { type: 'string' }, org: { type: 'string' } },
    async run({ services, values, principal }) {
      return services.directories.unlink(principal, { directory: required(values, 'directory'), organization: required(values, 'org') });
    },
    text: (d) => `Unlinked: ${describe(d as DirectoryView)}`,
  },
  {
    words: ['directory', 'list'],
    summary: 'List directories.',
    usage: 'directory list',
    options: {},
    async run({ services, principal }) {
      return { directories: await services.directories.list(principal) };
    },
    text: (r) => {
      const { directories } = r as { directories: DirectoryView[] };
      return table([['NAME', 'KIND', 'ORGANIZATIONS', 'ID'], ...directories.map((d) => [d.name, d.kind, d.organizations.map((o) => o.slug).join(',') || '-', d.id])]);
    },
  },
];
