import { compile, PolicyError, type Policy } from '@nano-access/resolver';
import { buildModel } from './helpers/model';
import { tinyCatalog } from './helpers/catalogs';

function nanoPolicy(
  users: Parameters<typeof buildModel>[0]['users'],
  roles?: Parameters<typeof buildModel>[0]['roles'],
) {
  const { policy, diagnostics } = compile(buildModel({ users, roles }));
  expect(diagnostics).toEqual([]);
  return policy!;
}

function thrownCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).code;
  }
  return undefined;
}

describe('Policy.check (docs/access-file.md, "Checking")', () => {
  const policy: Policy = compile(
    buildModel({
      users: [{ allow: ['read'] }, { id: 'writer', allow: ['write'] }, { id: 'bare', allow: ['audit'], bare: true }],
    }),
    tinyCatalog,
  ).policy!;

  it.each([[undefined], [null], ['']])('selects the default user for credentials %p', (credentials) => {
    expect(policy.check(credentials, 'read')).toBe(true);
    expect(policy.check(credentials, 'write')).toBe(false);
  });

  it('gives credentials that match no user no permissions at all, not the default user', () => {
    expect(policy.check('nobody', 'ping')).toBe(false);
    expect(policy.check('nobody', 'read')).toBe(false);
    expect(policy.effective('nobody')).toEqual([]);
  });

  it('compares user ids byte for byte, without trimming', () => {
    expect(policy.check('writer', 'write')).toBe(true);
    expect(policy.check(' writer', 'write')).toBe(false);
    expect(policy.check('Writer', 'write')).toBe(false);
  });

  it('fails closed on a permission name the catalog does not have', () => {
    expect(policy.check('writer', 'wrte')).toBe(false);
    expect(policy.check('writer', '')).toBe(false);
  });

  it('fails closed on values that are not strings (a caller ignoring the types)', () => {
    const loose = policy as unknown as { check(c: unknown, p: unknown): boolean };
    for (const credentials of [0, false, NaN, {}, []]) expect(loose.check(credentials, 'read')).toBe(false);
    for (const permission of [undefined, null, 0, {}, ['read']]) expect(loose.check('writer', permission)).toBe(false);
  });

  it('treats permission names that are Object.prototype members as plain names', () => {
    const catalog = {
      name: 'odd',
      permissions: [
        { name: '__proto__', description: '', implies: [] },
        { name: 'constructor', description: '', implies: [] },
        { name: 'undefined', description: '', implies: [] },
      ],
      defaults: ['__proto__', 'undefined'],
      messages: {},
    };
    const odd = compile(buildModel({}), catalog).policy!;
    expect(odd.check(undefined, '__proto__')).toBe(true);
    expect(odd.check(undefined, 'constructor')).toBe(false);
    expect(odd.check(undefined, 'toString')).toBe(false);
    expect(odd.check(undefined, 'hasOwnProperty')).toBe(false);
    expect((odd as unknown as { check(c: unknown, p: unknown): boolean }).check(undefined, undefined)).toBe(false);
  });

  it('answers from the effective set', () => {
    expect(policy.check('writer', 'read')).toBe(true);
    expect(policy.check('bare', 'audit_read')).toBe(true);
    expect(policy.check('bare', 'read')).toBe(false);
  });

  it('offers a prepared form that agrees with check()', () => {
    for (const name of ['read', 'write', 'audit', 'audit_read', 'ping', 'unrestricted', 'nope']) {
      const id = policy.permissionId(name);
      for (const who of [undefined, 'writer', 'bare', 'nobody'])
        expect(policy.checkId(who, id)).toBe(policy.check(who, name));
    }
    expect(policy.permissionId('nope')).toBe(-1);
  });

  it('is immutable', () => {
    expect(Object.isFrozen(policy)).toBe(true);
  });
});

describe('Policy.checkAll and checkAny', () => {
  const policy = compile(
    buildModel({ users: [{}, { id: 'w', allow: ['write'] }, { id: 'u', allow: ['unrestricted'] }] }),
    tinyCatalog,
  ).policy!;

  it('checkAll is true only when every permission is held', () => {
    expect(policy.checkAll('w', ['write', 'ping'])).toBe(true);
    expect(policy.checkAll('w', ['write', 'read'])).toBe(false);
  });

  it('checkAny is true when one permission is held (the reference "one-of")', () => {
    expect(policy.checkAny('w', ['read', 'write'])).toBe(true);
    expect(policy.checkAny('w', ['read', 'audit'])).toBe(false);
  });

  it('checkAll honours unrestricted', () => {
    expect(
      policy.checkAll(
        'u',
        tinyCatalog.permissions.map((p) => p.name),
      ),
    ).toBe(true);
  });

  it('gives unknown credentials false from both', () => {
    expect(policy.checkAll('nobody', ['ping'])).toBe(false);
    expect(policy.checkAny('nobody', ['ping'])).toBe(false);
  });

  it('throws NA_PERMISSION_LIST_EMPTY on an empty list', () => {
    expect(thrownCode(() => policy.checkAll('w', []))).toBe('NA_PERMISSION_LIST_EMPTY');
    expect(thrownCode(() => policy.checkAny('w', []))).toBe('NA_PERMISSION_LIST_EMPTY');
  });

  it('throws NA_PERMISSION_UNKNOWN on a name not in the catalog, even after a held one', () => {
    expect(thrownCode(() => policy.checkAny('w', ['write', 'wrte']))).toBe('NA_PERMISSION_UNKNOWN');
    expect(thrownCode(() => policy.checkAll('nobody', ['wrte']))).toBe('NA_PERMISSION_UNKNOWN');
  });
});

describe('Policy: catalog lookups', () => {
  const policy = nanoPolicy([{}]);

  it('maps IsAlive to null (anyone) and unknown messages to undefined', () => {
    expect(policy.messagePermission('IsAlive')).toBeNull();
    expect(policy.messagePermission('NoSuchMessage')).toBeUndefined();
  });

  it('requires a permission for TopicConfirmation (the reference node checks none)', () => {
    expect(policy.messagePermission('TopicConfirmation')).toBe('api_topic_confirmation');
    expect(policy.check(undefined, 'api_topic_confirmation')).toBe(false);
  });

  it('maps AccountWeight to the default permission', () => {
    expect(policy.messagePermission('AccountWeight')).toBe('api_account_weight');
    expect(policy.check(undefined, 'api_account_weight')).toBe(true);
  });

  it('describes legacy actions with their permission and control flag', () => {
    expect(policy.action('send')).toMatchObject({ permission: 'api_send', control: true });
    expect(policy.action('account_balance')).toEqual({ permission: 'api_account_balance', control: false });
    expect(policy.action('no_such_action')).toBeUndefined();
  });
});

describe('Policy.effective', () => {
  it('lists names sorted', () => {
    const policy = nanoPolicy([{}, { id: 'k', allow: ['service'], bare: true }]);
    expect(policy.effective('k')).toEqual([
      'api_service_register',
      'api_service_stop',
      'api_topic_service_stop',
      'service',
    ]);
  });
});
