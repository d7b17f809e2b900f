import { NanoAccessError } from '@nano-access/parser';
import { MetricsError } from '../src/errors';
import { Counter, Gauge, Histogram } from '../src/metric';

describe('Counter', () => {
  it('renders an unlabeled counter at zero before anything is counted', () => {
    const counter = new Counter({ name: 'jobs_total', help: 'Jobs.' });
    expect(counter.render()).toBe('# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 0\n');
    counter.inc();
    counter.add(2.5);
    expect(counter.render()).toContain('\njobs_total 3.5\n');
  });

  it('keeps one series per label values, escapes them once, and renders them in label order', () => {
    const counter = new Counter({ name: 'requests_total', help: 'Requests.', labelNames: ['api', 'name', 'outcome'] });
    counter.inc('v2', 'b', 'ok');
    counter.inc('legacy', 'quote"back\\slash\nnewline', 'ok');
    counter.inc('v2', 'b', 'ok');
    counter.inc('v2', 'a', 'denied');
    expect(counter.render()).toBe(
      '# HELP requests_total Requests.\n# TYPE requests_total counter\n' +
        'requests_total{api="legacy",name="quote\\"back\\\\slash\\nnewline",outcome="ok"} 1\n' +
        'requests_total{api="v2",name="a",outcome="denied"} 1\n' +
        'requests_total{api="v2",name="b",outcome="ok"} 2\n',
    );
    expect(counter.get('v2', 'b', 'ok')).toBe(2);
  });

  it('renders series in the order they were created when asked to, zeroed ones included', () => {
    const counter = new Counter({ name: 'c_total', help: 'C.', labelNames: ['reason'], order: 'created' });
    counter.zero('zeta');
    counter.inc('alpha');
    expect(counter.render()).toBe(
      '# HELP c_total C.\n# TYPE c_total counter\nc_total{reason="zeta"} 0\nc_total{reason="alpha"} 1\n',
    );
  });

  it('refuses to go down, and refuses names the format does not allow, with a MetricsError and its code', () => {
    const badIncrement = expect.objectContaining({ code: 'NA_METRICS_BAD_INCREMENT' });
    const badDefinition = expect.objectContaining({ code: 'NA_METRICS_BAD_DEFINITION' });
    expect(() => new Counter({ name: 'c', help: '' }).add(-1)).toThrow(badIncrement);
    expect(() => new Counter({ name: 'c', help: '' }).add(NaN)).toThrow(badIncrement);
    expect(() => new Counter({ name: 'bad-name', help: '' })).toThrow(badDefinition);
    expect(() => new Counter({ name: 'c', help: '', labelNames: ['bad label'] })).toThrow(badDefinition);
    expect(() => new Counter({ name: 'c', help: '', labelNames: ['__reserved'] })).toThrow(badDefinition);
    expect(() => new Counter({ name: 'c', help: '', labelNames: ['a', 'b', 'c', 'd'] })).toThrow(badDefinition);
    let thrown: unknown;
    try {
      new Counter({ name: 'c', help: '' }).add(-1);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MetricsError);
    expect(thrown).toBeInstanceOf(NanoAccessError);
    expect(thrown).toMatchObject({ name: 'MetricsError', message: 'counter c: cannot add -1' });
  });
});

describe('Gauge', () => {
  it('goes up and down, and takes a value', () => {
    const gauge = new Gauge({ name: 'open', help: 'Open now.', labelNames: ['transport'] });
    gauge.inc('tcp');
    gauge.inc('tcp');
    gauge.dec('tcp');
    gauge.set(7, 'local');
    expect(gauge.render()).toBe(
      '# HELP open Open now.\n# TYPE open gauge\nopen{transport="local"} 7\nopen{transport="tcp"} 1\n',
    );
  });
});

describe('Histogram', () => {
  it('renders cumulative buckets, le="+Inf", _sum and _count, per label values', () => {
    const histogram = new Histogram({ name: 'd_seconds', help: 'D.', labelNames: ['api'], buckets: [0.01, 0.1, 1] });
    histogram.observe(0.005, 'v2');
    histogram.observe(0.01, 'v2'); // on a bound: counted in that bucket (le is "less or equal")
    histogram.observe(0.5, 'v2');
    histogram.observe(3, 'v2');
    histogram.observe(0.05, 'a"b');
    expect(histogram.render()).toBe(
      '# HELP d_seconds D.\n# TYPE d_seconds histogram\n' +
        'd_seconds_bucket{api="a\\"b",le="0.01"} 0\n' +
        'd_seconds_bucket{api="a\\"b",le="0.1"} 1\n' +
        'd_seconds_bucket{api="a\\"b",le="1"} 1\n' +
        'd_seconds_bucket{api="a\\"b",le="+Inf"} 1\n' +
        'd_seconds_sum{api="a\\"b"} 0.05\n' +
        'd_seconds_count{api="a\\"b"} 1\n' +
        'd_seconds_bucket{api="v2",le="0.01"} 2\n' +
        'd_seconds_bucket{api="v2",le="0.1"} 2\n' +
        'd_seconds_bucket{api="v2",le="1"} 3\n' +
        'd_seconds_bucket{api="v2",le="+Inf"} 4\n' +
        'd_seconds_sum{api="v2"} 3.515\n' +
        'd_seconds_count{api="v2"} 4\n',
    );
  });

  it('renders an unlabeled histogram at zero, and refuses unordered buckets and an le label', () => {
    expect(new Histogram({ name: 'h', help: 'H.', buckets: [1] }).render()).toBe(
      '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="+Inf"} 0\nh_sum 0\nh_count 0\n',
    );
    const badDefinition = expect.objectContaining({ code: 'NA_METRICS_BAD_DEFINITION' });
    expect(() => new Histogram({ name: 'h', help: '', buckets: [1, 1] })).toThrow(badDefinition);
    expect(() => new Histogram({ name: 'h', help: '', buckets: [Infinity] })).toThrow(badDefinition);
    expect(() => new Histogram({ name: 'h', help: '', labelNames: ['le'], buckets: [1] })).toThrow(badDefinition);
  });
});
