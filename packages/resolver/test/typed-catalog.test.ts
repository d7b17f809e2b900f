import {
  compile,
  loadCatalog,
  nanoCatalog,
  type Catalog,
  type Policy,
  type NanoPermission,
  type TypedCatalog,
} from '@nano-access/resolver';
import { buildModel } from './helpers/model';

// The assertions that matter here are made by the type checker
// (`npm run typecheck` compiles the tests): each @ts-expect-error must be an error.
describe('typed permission names', () => {
  it('gives the Nano catalog a Policy<NanoPermission> that rejects misspelt names at compile time', () => {
    const policy: Policy<NanoPermission> = compile(buildModel({})).policy!;
    expect(policy.check(undefined, 'wallet_read')).toBe(false);
    // @ts-expect-error — a typo is a compile error
    expect(policy.check(undefined, 'wallet_raed')).toBe(false);
    const typed: TypedCatalog<NanoPermission> = nanoCatalog;
    expect(typed).toBe(nanoCatalog);
  });

  it('gives a plain catalog a Policy<string>', () => {
    const catalog: Catalog = loadCatalog({ name: 'c', permissions: [], defaults: [], messages: {} }).catalog!;
    const policy: Policy<string> = compile(buildModel({}), catalog).policy!;
    expect(policy.check(undefined, 'anything')).toBe(false);
  });
});
