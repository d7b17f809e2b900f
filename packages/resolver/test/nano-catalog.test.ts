import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nanoCatalog, nanoPermissionNames, compile, type Policy } from '@nano-access/resolver';
import { buildModel } from './helpers/model';

const legacyActions = readFileSync(resolve(__dirname, '../../../scripts/data/legacy-actions.md'), 'utf8');
const actionRows = legacyActions
  .split('\n')
  .map((line) => line.split('|').map((c) => c.trim()))
  .filter((cells) => cells.length === 6 && /^[a-z_]+$/.test(cells[1]) && cells[1] !== 'action');

function implies(name: string): readonly string[] {
  return nanoCatalog.permissions.find((p) => p.name === name)!.implies;
}

describe('the Nano catalog', () => {
  it('has every permission of the access file (docs/access-file.md) and the new group permissions', () => {
    const names = nanoCatalog.permissions.map((p) => p.name);
    for (const name of [
      'unrestricted',
      'api_account_weight',
      'api_service_register',
      'api_service_stop',
      'api_topic_service_stop',
      'api_topic_confirmation',
      'account_query',
      'epoch_upgrade',
      'service',
      'wallet',
      'wallet_read',
      'wallet_write',
      'wallet_seed_change',
      'node_query',
      'node_control',
      'utility',
      'signing',
      'block_publish',
      'work',
    ])
      expect(names).toContain(name);
  });

  it('describes every permission in one line', () => {
    for (const p of nanoCatalog.permissions) expect(p.description).toMatch(/^[^\n]{10,}$/);
  });

  it('has api_<action> for every legacy action, implied by its group permission', () => {
    expect(actionRows.length).toBeGreaterThan(100);
    for (const [, action, control, group] of actionRows) {
      expect(implies(group)).toContain(`api_${action}`);
      expect(nanoCatalog.actions![action]).toMatchObject({ permission: `api_${action}`, control: control === 'yes' });
    }
    expect(Object.keys(nanoCatalog.actions!)).toHaveLength(actionRows.length);
  });

  it('keeps the exceptions of the legacy action table (scripts/data/legacy-actions.md)', () => {
    expect(implies('wallet_seed_change')).toContain('api_wallet_change_seed');
    expect(implies('wallet_write')).not.toContain('api_wallet_change_seed');
    expect(implies('epoch_upgrade')).toContain('api_epoch_upgrade');
    expect(implies('node_control')).not.toContain('api_epoch_upgrade');
    expect(implies('wallet')).toEqual(
      expect.arrayContaining(['wallet_read', 'wallet_write', 'wallet_seed_change', 'api_wallet_seed']),
    );
    expect(implies('wallet_read')).not.toContain('api_wallet_seed');
  });

  it('makes account_query imply api_account_weight; service its three messages', () => {
    expect(implies('account_query')).toContain('api_account_weight');
    expect(implies('service')).toEqual(['api_service_register', 'api_service_stop', 'api_topic_service_stop']);
  });

  it("defaults to api_account_weight and maps the node's six messages and the AccessReload extension", () => {
    expect(nanoCatalog.defaults).toEqual(['api_account_weight']);
    expect(nanoCatalog.messages).toEqual({
      IsAlive: null,
      AccountWeight: 'api_account_weight',
      ServiceRegister: 'api_service_register',
      ServiceStop: 'api_service_stop',
      TopicServiceStop: 'api_topic_service_stop',
      TopicConfirmation: 'api_topic_confirmation',
      AccessReload: 'api_access_reload',
    });
  });

  it('has node_control imply api_access_reload (so unrestricted does too), and no default grant it', () => {
    const policy = compile(
      buildModel({
        users: [
          { id: 'operator', allow: ['node_control'], bare: true },
          { id: 'reader', allow: ['node_query', 'account_query'] },
        ],
      }),
    ).policy!;
    expect(policy.check('operator', 'api_access_reload')).toBe(true);
    expect(policy.check('reader', 'api_access_reload')).toBe(false);
    expect(policy.check(undefined, 'api_access_reload')).toBe(false);
  });

  it('grants every permission through unrestricted', () => {
    const policy = compile(buildModel({ users: [{ id: 'k', allow: ['unrestricted'], bare: true }] })).policy!;
    expect(policy.effective('k')).toHaveLength(nanoCatalog.permissions.length);
  });

  it('lists the same names as the generated NanoPermission type', () => {
    expect([...nanoPermissionNames]).toEqual(nanoCatalog.permissions.map((p) => p.name));
  });

  it('is the committed output of scripts/gen-catalog.ts (regenerate after editing scripts/data/legacy-actions.md)', () => {
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const root = resolve(__dirname, '../../..');
    expect(() =>
      execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-catalog.ts', '--check'], {
        cwd: root,
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });
});

describe('docs/catalog.md', () => {
  it('is exactly what scripts/gen-catalog-doc.ts renders from the catalog data (run it after changing the catalog)', () => {
    const { renderCatalogDoc, catalogPath, docPath } =
      require('../../../scripts/gen-catalog-doc') as typeof import('../../../scripts/gen-catalog-doc');
    const expected = renderCatalogDoc(JSON.parse(readFileSync(catalogPath, 'utf8')));
    expect(readFileSync(docPath, 'utf8')).toBe(expected);
  });

  it('documents every permission and every action of the catalog', () => {
    const page = readFileSync(resolve(__dirname, '../../../docs/catalog.md'), 'utf8');
    for (const p of nanoCatalog.permissions) expect(page).toContain(`\`${p.name}\``);
    for (const action of Object.keys(nanoCatalog.actions!)) expect(page).toContain(`| \`${action}\` |`);
  });
});

describe('deny closure on the Nano catalog', () => {
  it('equals closure(d) plus the ancestors of d itself (every permission has one parent besides unrestricted)', () => {
    const names = nanoCatalog.permissions.map((p) => p.name);
    const closure = (name: string): Set<string> => {
      const out = new Set<string>([name]);
      for (const child of name === 'unrestricted'
        ? names.filter((n) => n !== name)
        : nanoCatalog.permissions.find((p) => p.name === name)!.implies)
        for (const x of closure(child)) out.add(x);
      return out;
    };
    const closures = new Map(names.map((n) => [n, closure(n)]));
    for (const denied of names) {
      const literal = new Set([...closures.get(denied)!, ...names.filter((p) => closures.get(p)!.has(denied))]);
      const policy: Policy = compile(
        buildModel({ users: [{ id: 'k-0123456789abcdef', allow: ['unrestricted'], deny: [denied] }] }),
      ).policy!;
      const removed = names.filter((n) => !policy.check('k-0123456789abcdef', n));
      expect(new Set(removed)).toEqual(literal);
    }
  });
});
