import { nanoCatalog, type CatalogAction } from '@nano-access/resolver';
import { actionNeedsControl, isControlArgumentOff, stopsTheNode } from '@nano-access/protocol';
import { nodeFlagValue } from '../src/backends/embedded/node-flag';

const processAction = nanoCatalog.actions!.process;
const statsAction = nanoCatalog.actions!.stats;

/** Values of force the issue found forwarded, and more that are not plainly off. */
const NOT_OFF: unknown[] = [
  true,
  'true',
  '1',
  1,
  1.0,
  '01',
  '+1',
  ' true',
  'TRUE',
  'yes',
  2,
  -1,
  0.5,
  [1],
  [],
  {},
  null,
  '',
  ' 0',
  '0 ',
  'False',
  'off',
  'no',
];

describe('the control gate (isControlArgumentOff, actionNeedsControl)', () => {
  it('reads force as off only when absent, false, "false", 0 or "0"', () => {
    const force = processAction.controlArguments!.force;
    for (const value of [undefined, false, 'false', 0, '0', -0])
      expect({ value, off: isControlArgumentOff(value, force) }).toEqual({ value, off: true });
    for (const value of NOT_OFF)
      expect({ value, off: isControlArgumentOff(value, force) }).toEqual({ value, off: false });
  });

  it('makes process need control for every value of force that is not off', () => {
    for (const force of NOT_OFF)
      expect({ force, control: actionNeedsControl(processAction, { action: 'process', force }) }).toEqual({
        force,
        control: true,
      });
    expect(actionNeedsControl(processAction, { action: 'process' })).toBe(false);
    expect(actionNeedsControl(processAction, { action: 'process', force: false })).toBe(false);
    expect(actionNeedsControl(processAction, { action: 'process', force: '0' })).toBe(false);
  });

  it('makes stats need control for any type but the plain non-control ones', () => {
    for (const type of ['objects', 'OBJECTS', ' objects', ['objects'], 1, null, true, '', 'unknown']) {
      expect({ type, control: actionNeedsControl(statsAction, { action: 'stats', type }) }).toEqual({
        type,
        control: true,
      });
    }
    for (const type of [undefined, 'counters', 'detailed', 'samples', 'database']) {
      expect({
        type,
        control: actionNeedsControl(statsAction, { action: 'stats', ...(type === undefined ? {} : { type }) }),
      }).toEqual({ type, control: false });
    }
  });

  it('reads only own properties of the request', () => {
    const inherited = Object.create({ force: true }) as Record<string, unknown>;
    inherited.action = 'process';
    expect(actionNeedsControl(processAction, inherited)).toBe(false);
    expect(
      actionNeedsControl(processAction, JSON.parse('{"action":"process","force":true}') as Record<string, unknown>),
    ).toBe(true);
  });

  it('takes every widening argument from the catalog data, and a control action needs control whatever its arguments', () => {
    const custom: CatalogAction = {
      permission: 'api_x',
      control: false,
      controlArguments: { deep: { off: ['no'] }, wide: { off: [false] } },
    };
    expect(actionNeedsControl(custom, {})).toBe(false);
    expect(actionNeedsControl(custom, { deep: 'no', wide: false })).toBe(false);
    expect(actionNeedsControl(custom, { deep: 'no', wide: 'false' })).toBe(true);
    expect(actionNeedsControl({ permission: 'api_stop', control: true }, {})).toBe(true);
  });

  it('has controlArguments for every action whose catalog note says an argument needs control', () => {
    const noted = Object.entries(nanoCatalog.actions!)
      .filter(([, entry]) => /=\S+ needs control/.test(entry.note ?? ''))
      .map(([name]) => name);
    expect(noted.sort()).toEqual(['process', 'stats']);
    for (const name of noted) expect(nanoCatalog.actions![name].controlArguments).toBeDefined();
  });

  it("is not the node's reading: values the node reads as true (or as the default) still need control", () => {
    // The node-like reading (the embedded backend's) for the same values differs: the gate never asks it.
    expect(['01', '+1', ' 1', 1, '1'].map((v) => nodeFlagValue(v))).toEqual([true, true, true, true, true]);
    expect(['yes', 'TRUE', 2, [1], {}].map((v) => nodeFlagValue(v))).toEqual([false, false, false, false, false]);
    for (const value of ['01', '+1', ' 1', 'yes', 'TRUE', 2, [1], {}])
      expect(isControlArgumentOff(value, processAction.controlArguments!.force)).toBe(false);
  });
});

describe('stopsTheNode', () => {
  it('is ServiceStop with service_name exactly "node"', () => {
    expect(stopsTheNode('ServiceStop', { service_name: 'node' })).toBe(true);
    expect(stopsTheNode('ServiceStop', { service_name: 'node', restart: true })).toBe(true);
    for (const name of ['Node', 'node ', ' node', 'nodes', ''])
      expect(stopsTheNode('ServiceStop', { service_name: name })).toBe(false);
    expect(stopsTheNode('ServiceRegister', { service_name: 'node' })).toBe(false);
    expect(stopsTheNode('ServiceStop', null)).toBe(false);
  });
});
