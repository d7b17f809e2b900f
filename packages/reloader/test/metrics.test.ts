import { policyHashLabel, renderMetrics } from '../src/metrics';

describe('renderMetrics', () => {
  it('renders every metric with HELP and TYPE lines and the given values', () => {
    const text = renderMetrics({
      reloadSuccesses: 3,
      reloadFailures: 2,
      lastReloadSuccessful: false,
      lastSuccessSeconds: 1764100000.5,
      generation: 4,
      users: 10000,
      hash: 'a3f1c09be4d27f6590e1aa0cbb1e6c9d0f4e2a7b5c8d1e3f6a9b0c2d4e6f8a1b',
    });
    expect(text.split('\n')).toEqual(
      expect.arrayContaining([
        'nano_access_reloads_total{result="success"} 3',
        'nano_access_reloads_total{result="failure"} 2',
        'nano_access_last_reload_successful 0',
        'nano_access_last_reload_success_timestamp_seconds 1764100000.500',
        'nano_access_policy_generation 4',
        'nano_access_policy_users 10000',
        'nano_access_policy_info{hash="a3f1c09be4d27f65"} 1',
      ]),
    );
    for (const name of [
      'nano_access_reloads_total',
      'nano_access_last_reload_successful',
      'nano_access_policy_users',
    ]) {
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
    }
    // Every sample line is `name{labels} value` with a numeric value.
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      expect(line).toMatch(
        /^nano_access_[a-z_]+(\{(result="(success|failure)"|hash="[0-9a-f]{16}")\})? -?\d+(\.\d+)?$/,
      );
    }
  });
});

describe('nano_access_policy_info', () => {
  it('labels the policy with the first 16 hex digits of its sha256, and "none" when there is no file', () => {
    const base = {
      reloadSuccesses: 0,
      reloadFailures: 0,
      lastReloadSuccessful: true,
      lastSuccessSeconds: 1,
      generation: 1,
      users: 0,
    };
    expect(renderMetrics({ ...base, hash: null })).toContain('nano_access_policy_info{hash="none"} 1\n');
    expect(policyHashLabel('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef')).toBe(
      '0123456789abcdef',
    );
  });
});
