import { Registry } from '../src/registry';

describe('Registry', () => {
  it('renders its families in the order they were registered, after running its collect hooks', () => {
    const registry = new Registry();
    const state = { held: 0 };
    const requests = registry.counter({ name: 'b_requests_total', help: 'Requests.' });
    const held = registry.gauge({ name: 'a_held', help: 'Held now.' });
    registry.register({ render: () => '# a family rendered by its owner\n' });
    registry.collect(() => held.set(state.held));
    requests.inc();
    state.held = 42;
    expect(registry.render()).toBe(
      '# HELP b_requests_total Requests.\n# TYPE b_requests_total counter\nb_requests_total 1\n' +
        '# HELP a_held Held now.\n# TYPE a_held gauge\na_held 42\n' +
        '# a family rendered by its owner\n',
    );
  });
});
