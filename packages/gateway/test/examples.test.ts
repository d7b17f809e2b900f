import { PolicyStore } from '@nano-access/reloader';
import { exampleRequests, type GatewayAddress } from '@nano-access/gateway';
import { USERS } from './helpers/fixtures';

const address: GatewayAddress = {
  address: '127.0.0.1',
  port: 7076,
  family: 'IPv4',
  protocol: 'http',
  url: 'http://127.0.0.1:7076',
};
const account = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';

describe('exampleRequests', () => {
  it('gives an allowed v2 call, a denied legacy action and an allowed legacy action for the default user', () => {
    const policy = PolicyStore.fromText(
      `[[user]]\nid = ""\n\n[[user]]\nid = "${USERS.ops}"\nallow = "node_query"\n`,
    ).current;
    const lines = exampleRequests({ address, policy, account });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`curl -s -w '\\n' -d '{"account":"${account}"}' http://127.0.0.1:7076/api/v2/AccountWeight`);
    expect(lines[1]).toContain(`'{"action":"account_balance","account":"${account}"}'`);
    expect(lines[1]).toContain('%{http_code}');
    expect(lines[2]).toContain(`'{"action":"account_weight","account":"${account}"}'`);
    // Never a configured key.
    expect(lines.join('\n')).not.toContain(USERS.ops);
  });

  it('shows the unknown-key denial when the default user may read everything', () => {
    const policy = PolicyStore.fromText('[[user]]\nid = ""\nallow = "account_query, node_query"\n').current;
    const lines = exampleRequests({ address, policy, account });
    expect(lines[1]).toContain("-H 'Nano-Api-Key: not-a-configured-user'");
  });

  it('falls back to IsAlive when the default user may not call AccountWeight', () => {
    const policy = PolicyStore.fromText('[[user]]\nid = ""\nbare = true\n').current;
    const lines = exampleRequests({ address, policy, account });
    expect(lines[0]).toContain('/api/v2/IsAlive');
    expect(lines).toHaveLength(2); // no legacy action is allowed to show
  });

  it('uses loopback for a wildcard listen address and trusts the given CA over https', () => {
    const policy = PolicyStore.fromText('').current;
    const lines = exampleRequests({
      address: { ...address, address: '0.0.0.0', protocol: 'https', url: 'https://0.0.0.0:7076' },
      policy,
      account,
      caFile: '/etc/nano/cert.pem',
    });
    expect(lines[0]).toContain("--cacert '/etc/nano/cert.pem'");
    expect(lines[0]).toContain('https://127.0.0.1:7076/api/v2/AccountWeight');
  });
});
