import { compile } from '@nano-access/resolver';
import { buildModel } from './helpers/model';

// The reference node's own access tests, replayed against the Nano catalog.
describe('the reference node’s cases', () => {
  it('gives the default user api_account_weight and nothing else by default', () => {
    const policy = compile(buildModel({})).policy!;
    expect(policy.check(undefined, 'api_account_weight')).toBe(true);
    expect(policy.check(undefined, 'wallet_read')).toBe(false);
    expect(policy.effective('')).toEqual(['api_account_weight']);
  });

  it('lets a user deny a default permission', () => {
    const policy = compile(buildModel({ users: [{ id: 'user1', deny: ['api_account_weight'] }] })).policy!;
    expect(policy.check('user1', 'api_account_weight')).toBe(false);
    expect(policy.check(undefined, 'api_account_weight')).toBe(true);
  });

  it('adopts roles: a user gets what its roles allow', () => {
    const policy = compile(
      buildModel({
        roles: [{ id: 'admin', allow: ['account_query', 'epoch_upgrade'] }],
        users: [{ id: 'user1', roles: ['admin'] }],
      }),
    ).policy!;
    expect(policy.check('user1', 'account_query')).toBe(true);
    expect(policy.check('user1', 'api_account_info')).toBe(true);
    expect(policy.check('user1', 'epoch_upgrade')).toBe(true);
    expect(policy.check('user1', 'api_epoch_upgrade')).toBe(true);
    expect(policy.check('user1', 'wallet')).toBe(false);
  });

  it('answers one-of (checkAny) across roles and allow', () => {
    const policy = compile(
      buildModel({
        roles: [{ id: 'r', allow: ['wallet_read'] }],
        users: [{ id: 'user1', roles: ['r'], allow: ['service'] }],
      }),
    ).policy!;
    expect(policy.checkAny('user1', ['wallet_write', 'api_service_stop'])).toBe(true);
    expect(policy.checkAny('user1', ['wallet_write', 'node_control'])).toBe(false);
  });

  it("resolves the reference node's documented sample access file", () => {
    const policy = compile(
      buildModel({
        roles: [{ id: 'service_admin', allow: ['api_service_register', 'api_service_stop'] }],
        users: [
          {
            id: 'user-2bb818ee-6424-4750-8bdb-db23bab7bc57',
            roles: ['service_admin'],
            allow: ['wallet_seed_change', 'api_topic_confirmation'],
            deny: ['api_account_weight'],
          },
          {
            id: 'history-viewer-e3cf8a09-bd74-4ef2-9b84-e14f3db2bb4b',
            allow: ['api_account_info', 'api_account_history'],
            bare: true,
          },
        ],
      }),
    ).policy!;
    expect(policy.effective('user-2bb818ee-6424-4750-8bdb-db23bab7bc57')).toEqual([
      'api_service_register',
      'api_service_stop',
      'api_topic_confirmation',
      'api_wallet_change_seed',
      'wallet_seed_change',
    ]);
    expect(policy.effective('history-viewer-e3cf8a09-bd74-4ef2-9b84-e14f3db2bb4b')).toEqual([
      'api_account_history',
      'api_account_info',
    ]);
  });

  it('resolves the "everything" sample: a default user with allow = "unrestricted"', () => {
    const policy = compile(buildModel({ users: [{ allow: ['unrestricted'] }] })).policy!;
    expect(policy.check(undefined, 'wallet_seed_change')).toBe(true);
    expect(policy.check('stranger', 'wallet_seed_change')).toBe(false);
  });
});

// docs/access-file.md "Differences from the reference node": each defect of the reference node, shown not to happen here.
describe('known defects of the reference node do not happen here', () => {
  it('a typo in deny is an error, not a silent grant', () => {
    const { policy, diagnostics } = compile(
      buildModel({ users: [{ id: 'k', allow: ['wallet'], deny: ['wallet_seed_chnage'] }] }),
    );
    expect(policy).toBeNull();
    expect(diagnostics[0].ruleId).toBe('unknown-permission');
    expect(diagnostics[0].message).toContain('Did you mean "wallet_seed_change"?');
  });

  it('non-bare users inherit the configured default user, not the built-in defaults', () => {
    const policy = compile(
      buildModel({ users: [{ allow: ['node_query'], deny: ['api_account_weight'] }, { id: 'k' }] }),
    ).policy!;
    expect(policy.check('k', 'node_query')).toBe(true);
    expect(policy.check('k', 'api_account_weight')).toBe(false);
  });

  it('a file that fails to compile leaves no policy at all', () => {
    const { policy } = compile(
      buildModel({
        users: [
          { id: 'good', allow: ['wallet'] },
          { id: 'bad', allow: ['nope'] },
        ],
      }),
    );
    expect(policy).toBeNull();
  });

  it('unrestricted is narrowed by deny', () => {
    const policy = compile(
      buildModel({ users: [{ id: 'k', allow: ['unrestricted'], deny: ['wallet_seed_change'] }] }),
    ).policy!;
    expect(policy.check('k', 'wallet_seed_change')).toBe(false);
    expect(policy.check('k', 'api_wallet_change_seed')).toBe(false);
    expect(policy.check('k', 'wallet')).toBe(false);
    expect(policy.check('k', 'unrestricted')).toBe(false);
    expect(policy.check('k', 'wallet_write')).toBe(true);
    expect(policy.check('k', 'api_stop')).toBe(true);
  });

  it('checkAll honours unrestricted', () => {
    const policy = compile(buildModel({ users: [{ id: 'k', allow: ['unrestricted'] }] })).policy!;
    expect(policy.checkAll('k', ['wallet', 'node_control', 'api_send', 'api_topic_confirmation'])).toBe(true);
  });

  it('TopicConfirmation needs a permission', () => {
    const policy = compile(buildModel({ users: [{ id: 'k', allow: ['api_topic_confirmation'] }] })).policy!;
    const needed = policy.messagePermission('TopicConfirmation');
    expect(needed).toBe('api_topic_confirmation');
    expect(policy.check(undefined, needed!)).toBe(false);
    expect(policy.check('k', needed!)).toBe(true);
  });
});
