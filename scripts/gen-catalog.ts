/**
 * Generates the Nano permission catalog (packages/resolver/src/catalogs/nano.json)
 * and its permission-name union type (nano-permissions.ts) from the permissions
 * of docs/access-file.md (written out below) and the legacy action table in
 * scripts/data/legacy-actions.md.
 *
 *   npx tsx scripts/gen-catalog.ts          # write both files
 *   npx tsx scripts/gen-catalog.ts --check  # exit 1 when the committed files differ
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..');
const legacyActionsPath = resolve(repoRoot, 'scripts/data/legacy-actions.md');
const catalogDir = resolve(repoRoot, 'packages/resolver/src/catalogs');

interface Permission {
  name: string;
  description: string;
  implies: string[];
}
interface ControlArgument {
  off: Array<string | number | boolean>;
}
interface Action {
  permission: string;
  control: boolean;
  controlArguments?: Record<string, ControlArgument>;
  note?: string;
}

/**
 * The values a boolean flag is off at: the only ones. The node reads a flag with a lenient
 * parser ("01", "+1", " 1", 1 are all true to it), so the gate reads it the other way round:
 * whatever is not plainly off needs control.
 */
const FLAG_OFF: ControlArgument = { off: [false, 'false', 0, '0'] };

/**
 * Arguments that make an otherwise ordinary action need control (the action table's notes
 * "force=true needs control", "type=objects needs control"), as data the gate reads. `stats`
 * `type` is off only at the types that are not `objects`; any other value needs control.
 */
const controlArguments: Record<string, Record<string, ControlArgument>> = {
  process: { force: FLAG_OFF },
  stats: { type: { off: ['counters', 'detailed', 'samples', 'database'] } },
};

/** The permissions of the access file (docs/catalog.md) and the resource (group) permissions of the action table. */
const basePermissions: Array<{ name: string; description: string; implies: string[] }> = [
  {
    name: 'unrestricted',
    description: 'Everything: implies every permission of the catalog (a deny still narrows it).',
    implies: [],
  },
  {
    name: 'api_account_weight',
    description: 'The AccountWeight IPC message and the account_weight action.',
    implies: [],
  },
  {
    name: 'api_service_register',
    description: 'The ServiceRegister IPC message: register as a named service.',
    implies: [],
  },
  {
    name: 'api_service_stop',
    description: 'The ServiceStop IPC message: ask a registered service to stop.',
    implies: [],
  },
  {
    name: 'api_topic_service_stop',
    description: 'The TopicServiceStop IPC message: subscribe to service-stop notifications.',
    implies: [],
  },
  {
    name: 'api_topic_confirmation',
    description: 'The TopicConfirmation IPC message: subscribe to block confirmations.',
    implies: [],
  },
  {
    name: 'api_access_reload',
    description:
      'The AccessReload IPC message (an extension): re-read the access file now, through the same store as SIGHUP.',
    implies: [],
  },
  {
    name: 'account_query',
    description: 'Read-only ledger queries: accounts, blocks, chains, representatives.',
    implies: ['api_account_weight'],
  },
  { name: 'epoch_upgrade', description: 'Run the epoch_upgrade action (control).', implies: [] },
  {
    name: 'service',
    description: 'Service messages: register, stop and the service-stop topic.',
    implies: ['api_service_register', 'api_service_stop', 'api_topic_service_stop'],
  },
  {
    name: 'wallet',
    description: 'Every wallet operation: read, write, seed change, and wallet_seed.',
    implies: ['wallet_read', 'wallet_write', 'wallet_seed_change'],
  },
  { name: 'wallet_read', description: 'Read wallets: balances, accounts, history, work, lock state.', implies: [] },
  {
    name: 'wallet_write',
    description: 'Change wallets: create, send, receive, keys, representatives, passwords.',
    implies: [],
  },
  { name: 'wallet_seed_change', description: 'Replace a wallet seed (wallet_change_seed).', implies: [] },
  {
    name: 'node_query',
    description: 'Read node state: peers, telemetry, confirmations, stats, version, uptime.',
    implies: [],
  },
  {
    name: 'node_control',
    description: 'Operate the node: bootstrap, keepalive, clear caches, work peers, stop, reload the access policy.',
    implies: ['api_access_reload'],
  },
  {
    name: 'utility',
    description: 'Stateless helpers: key derivation, unit conversion, hashing, validation.',
    implies: [],
  },
  { name: 'signing', description: 'Create and sign blocks (block_create, sign).', implies: [] },
  {
    name: 'block_publish',
    description: 'Publish blocks to the network: process, republish, block_confirm.',
    implies: [],
  },
  { name: 'work', description: 'Generate and cancel proof of work.', implies: [] },
];

const messages: Record<string, string | null> = {
  IsAlive: null,
  AccountWeight: 'api_account_weight',
  ServiceRegister: 'api_service_register',
  ServiceStop: 'api_service_stop',
  TopicServiceStop: 'api_topic_service_stop',
  TopicConfirmation: 'api_topic_confirmation',
  AccessReload: 'api_access_reload',
};

const defaults = ['api_account_weight'];

/** Rows of the action table: | action | control | group permission | note |. */
function readActionTable(markdown: string): Array<{ action: string; control: boolean; group: string; note: string }> {
  const rows: Array<{ action: string; control: boolean; group: string; note: string }> = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // A row is "| a | b | c | d |": 6 cells with the empty outer ones.
    if (cells.length !== 6 || !/^[a-z_]+$/.test(cells[1]) || cells[1] === 'action') continue;
    const [, action, control, group, note] = cells;
    if (control !== '' && control !== 'yes')
      throw new Error(`legacy-actions.md: bad control cell for ${action}: ${control}`);
    rows.push({ action, control: control === 'yes', group, note });
  }
  if (rows.length < 100) throw new Error(`legacy-actions.md: expected the action table, found ${rows.length} rows`);
  return rows;
}

function describeAction(action: string, control: boolean, note: string): string {
  const parts = [`The legacy RPC action ${action}`];
  if (control) parts.push('(control)');
  return `${parts.join(' ')}.${note ? ` Note: ${note}.` : ''}`;
}

function buildCatalog(markdown: string): { catalog: object; names: string[] } {
  const rows = readActionTable(markdown);
  const byName = new Map<string, Permission>();
  for (const base of basePermissions) byName.set(base.name, { ...base, implies: [...base.implies] });

  const actions: Record<string, Action> = {};
  const actionPermissions: Permission[] = [];
  for (const row of [...rows].sort((a, b) => (a.action < b.action ? -1 : 1))) {
    const group = byName.get(row.group);
    if (!group) throw new Error(`legacy-actions.md: ${row.action} names an unknown group permission ${row.group}`);
    const permission = `api_${row.action}`;
    if (!group.implies.includes(permission)) group.implies.push(permission);
    if (!byName.has(permission)) {
      const created = { name: permission, description: describeAction(row.action, row.control, row.note), implies: [] };
      byName.set(permission, created);
      actionPermissions.push(created);
    }
    const widening = controlArguments[row.action];
    actions[row.action] = {
      permission,
      control: row.control,
      ...(widening ? { controlArguments: widening } : {}),
      ...(row.note ? { note: row.note } : {}),
    };
  }
  for (const action of Object.keys(controlArguments)) {
    if (!(action in actions)) throw new Error(`controlArguments names ${action}, which the action table does not list`);
  }
  for (const base of basePermissions) byName.get(base.name)!.implies.sort();

  const permissions = [...basePermissions.map((b) => byName.get(b.name)!), ...actionPermissions];
  const catalog = {
    $schema: './catalog.schema.json',
    name: 'nano',
    permissions,
    defaults,
    messages,
    actions,
  };
  return { catalog, names: permissions.map((p) => p.name) };
}

function permissionsModule(names: string[]): string {
  const lines = [
    '// Generated by scripts/gen-catalog.ts from the Nano catalog. Do not edit.',
    '',
    '/** Every permission name of the Nano catalog: a typo in calling code fails to compile. */',
    'export type NanoPermission =',
    ...names.map((name, i) => `  | '${name}'${i === names.length - 1 ? ';' : ''}`),
    '',
    '/** The same names, in catalog order. */',
    'export const nanoPermissionNames: readonly NanoPermission[] = [',
    ...names.map((name) => `  '${name}',`),
    '];',
    '',
  ];
  return lines.join('\n');
}

function main(): void {
  const { catalog, names } = buildCatalog(readFileSync(legacyActionsPath, 'utf8'));
  const outputs: Array<[string, string]> = [
    [resolve(catalogDir, 'nano.json'), `${JSON.stringify(catalog, null, 2)}\n`],
    [resolve(catalogDir, 'nano-permissions.ts'), permissionsModule(names)],
  ];
  if (process.argv.includes('--check')) {
    const stale = outputs.filter(([path, text]) => readFileSync(path, 'utf8') !== text).map(([path]) => path);
    if (stale.length > 0) {
      process.stderr.write(`stale generated files (run npx tsx scripts/gen-catalog.ts):\n${stale.join('\n')}\n`);
      process.exit(1);
    }
    return;
  }
  for (const [path, text] of outputs) writeFileSync(path, text);
  process.stdout.write(`wrote ${outputs.map(([path]) => path).join(', ')} (${names.length} permissions)\n`);
}

main();
