import { renderMetrics } from '../src/metrics';

describe('renderMetrics', () => {
  it('renders every metric with HELP and TYPE lines and the given values', () => {
    const text = renderMetrics({ reloadSuccesses: 3, reloadFailures: 2, lastReloadSuccessful: false, lastSuccessSeconds: 1764100000.5, generation: 4, users: 10000 });
    expect(text.split('\n')).toEqual(expect.arrayContaining([
      'nano_access_reloads_total{result="success"} 3',
      'nano_access_reloads_total{result="failure"} 2',
      'nano_access_last_reload_successful 0',
      'nano_access_last_reload_success_timestamp_seconds 1764100000.500',
      'nano_access_policy_generation 4',
      'nano_access_policy_users 10000',
    ]));
    for (const name of ['nano_access_reloads_total', 'nano_access_last_reload_successful', 'nano_access_policy_users']) {
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
    }
    // Every sample line is `name{labels} value` with a numeric value.
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      expect(line).toMatch(/^nano_access_[a-z_]+(\{result="(success|failure)"\})? -?\d+(\.\d+)?$/);
    }
  });
});
