import {
  CACHEABLE_ACTIONS,
  COUNT_PARAMETER_ACTIONS,
  LIST_PARAMETER_ACTIONS,
  READ_ONLY_ACTIONS,
} from '@nano-access/protocol';
import { nanoCatalog } from '@nano-access/resolver';

const actions = nanoCatalog.actions ?? {};
const permissions = new Map(nanoCatalog.permissions.map((p) => [p.name, p.implies]));

/** The resource groups whose permissions imply `permission` (directly). */
function groupsOf(permission: string): string[] {
  return [...permissions].filter(([, implies]) => implies.includes(permission)).map(([name]) => name);
}

describe('action tables (response caps, cache allow-list, read-only actions)', () => {
  it('names only actions of the catalog', () => {
    for (const name of [
      ...COUNT_PARAMETER_ACTIONS.keys(),
      ...LIST_PARAMETER_ACTIONS.keys(),
      ...CACHEABLE_ACTIONS.keys(),
      ...READ_ONLY_ACTIONS,
    ]) {
      expect({ name, known: actions[name] !== undefined }).toEqual({ name, known: true });
    }
  });

  it('allows caching only of read-only actions that need no control and read no wallet', () => {
    for (const name of CACHEABLE_ACTIONS.keys()) {
      const entry = actions[name];
      expect({ name, control: entry.control, controlArguments: entry.controlArguments }).toEqual({
        name,
        control: false,
        controlArguments: undefined,
      });
      const groups = groupsOf(entry.permission).filter((g) => g !== 'unrestricted');
      expect({ name, groups }).toEqual({
        name,
        groups: expect.arrayContaining([expect.stringMatching(/^(account_query|node_query)$/)]),
      });
      expect(groups.some((g) => g.startsWith('wallet'))).toBe(false);
      expect(READ_ONLY_ACTIONS.has(name)).toBe(true);
    }
  });

  it('keeps wallet, signing, work and control actions out of the read-only set', () => {
    for (const name of [
      'wallet_balances',
      'password_enter',
      'send',
      'key_expand',
      'sign',
      'work_generate',
      'process',
      'stats',
      'ledger',
      'node_id',
      'bootstrap',
    ])
      expect({ name, readOnly: READ_ONLY_ACTIONS.has(name) }).toEqual({ name, readOnly: false });
    for (const name of ['block_count', 'account_history', 'pending', 'representatives_online', 'telemetry'])
      expect({ name, readOnly: READ_ONLY_ACTIONS.has(name) }).toEqual({ name, readOnly: true });
  });

  it('lists the count defaults the node has', () => {
    expect(COUNT_PARAMETER_ACTIONS.get('account_history')).toBe('required');
    expect(COUNT_PARAMETER_ACTIONS.get('delegators')).toBe(1024);
    expect(COUNT_PARAMETER_ACTIONS.get('receivable')).toBe('unlimited');
    expect(LIST_PARAMETER_ACTIONS.get('accounts_receivable')).toBe('accounts');
  });
});
