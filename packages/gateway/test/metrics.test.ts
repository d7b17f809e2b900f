import { GatewayMetrics } from '../src/metrics';

describe('GatewayMetrics', () => {
  it('counts requests by api, name and outcome, and denials separately', () => {
    const metrics = new GatewayMetrics();
    for (const outcome of ['ok', 'ok', 'denied']) {
      metrics.started();
      metrics.record('v2', 'AccountWeight', outcome, 0.002);
    }
    const text = metrics.render();
    expect(text).toContain('nano_access_gateway_requests_total{api="v2",name="AccountWeight",outcome="ok"} 2');
    expect(text).toContain('nano_access_gateway_requests_total{api="v2",name="AccountWeight",outcome="denied"} 1');
    expect(text).toContain('nano_access_gateway_denials_total{api="v2",name="AccountWeight"} 1');
    expect(text).toContain('nano_access_gateway_requests_in_flight 0');
  });

  it('keeps a cumulative latency histogram', () => {
    const metrics = new GatewayMetrics();
    metrics.started();
    metrics.record('legacy', 'account_balance', 'ok', 0.003);
    metrics.started();
    metrics.record('legacy', 'account_balance', 'ok', 0.3);
    const text = metrics.render();
    expect(text).toContain('nano_access_gateway_request_duration_seconds_bucket{api="legacy",le="0.001"} 0');
    expect(text).toContain('nano_access_gateway_request_duration_seconds_bucket{api="legacy",le="0.005"} 1');
    expect(text).toContain('nano_access_gateway_request_duration_seconds_bucket{api="legacy",le="0.5"} 2');
    expect(text).toContain('nano_access_gateway_request_duration_seconds_bucket{api="legacy",le="+Inf"} 2');
    expect(text).toContain('nano_access_gateway_request_duration_seconds_count{api="legacy"} 2');
  });

  it('escapes label values', () => {
    const metrics = new GatewayMetrics();
    metrics.started();
    metrics.record('http', 'a"b\\c\nd', 'ok', 0);
    expect(metrics.render()).toContain('name="a\\"b\\\\c\\nd"');
  });

  it('counts open and refused connections', () => {
    const metrics = new GatewayMetrics();
    metrics.connectionOpened();
    metrics.connectionOpened();
    metrics.connectionClosed();
    metrics.connectionRefused();
    const text = metrics.render();
    expect(text).toContain('nano_access_gateway_connections_open 1');
    expect(text).toContain('nano_access_gateway_connections_refused_total 1');
  });
});
