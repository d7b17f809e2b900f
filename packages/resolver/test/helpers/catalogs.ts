import type { Catalog } from '@nano-access/resolver';

/** A small catalog whose shape the resolution tests can reason about by eye. */
export const tinyCatalog: Catalog = {
  name: 'tiny',
  permissions: [
    { name: 'unrestricted', description: 'everything', implies: [] },
    { name: 'read', description: 'read', implies: [] },
    { name: 'write', description: 'write', implies: [] },
    { name: 'admin', description: 'read and write', implies: ['read', 'write', 'audit'] },
    { name: 'audit', description: 'audit log', implies: ['audit_read'] },
    { name: 'audit_read', description: 'read the audit log', implies: [] },
    { name: 'ping', description: 'liveness', implies: [] },
  ],
  defaults: ['ping'],
  messages: { Ping: 'ping', Hello: null },
  actions: { read_it: { permission: 'read', control: false } },
};
