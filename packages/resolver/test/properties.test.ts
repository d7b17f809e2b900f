import fc from 'fast-check';
import { parseAccessFile } from '@nano-access/parser';
import { compile, loadCatalog, nanoCatalog, type Catalog } from '@nano-access/resolver';
import { buildModel, type RoleSpec, type UserSpec } from './helpers/model';

/** A random catalog: p0…pn-1 where pi implies only pj with j > i (so implies is a DAG). */
const catalogArb = fc.integer({ min: 1, max: 10 }).chain((n) => {
  const names = Array.from({ length: n }, (_, i) => `p${i}`);
  return fc
    .record({
      implies: fc.tuple(...names.map((_, i) => fc.subarray(names.slice(i + 1)))),
      defaults: fc.subarray(names),
    })
    .map(({ implies, defaults }): Catalog => ({
      name: 'random',
      permissions: [
        { name: 'unrestricted', description: '', implies: [] },
        ...names.map((name, i) => ({ name, description: '', implies: implies[i] })),
      ],
      defaults,
      messages: {},
    }));
});

function fileArb(catalog: Catalog, unknownNames: boolean) {
  const permissionNames = catalog.permissions.map((p) => p.name);
  const nameArb = unknownNames
    ? fc.oneof(fc.constantFrom(...permissionNames), fc.constantFrom('nope', 'p99', ''))
    : fc.constantFrom(...permissionNames);
  const names = fc.array(nameArb, { maxLength: 4 });
  return fc.array(fc.record({ allow: names }), { maxLength: 4 }).chain((roleAllows) => {
    const roleIds = roleAllows.map((_, i) => `r${i}`);
    const roleRef = unknownNames
      ? fc.oneof(fc.constantFrom('r0', 'r1', 'ghost'), fc.constant('r2'))
      : roleIds.length
        ? fc.constantFrom(...roleIds)
        : fc.constant('');
    const userArb = fc.record({
      roles: roleIds.length || unknownNames ? fc.array(roleRef, { maxLength: 3 }) : fc.constant([] as string[]),
      allow: names,
      deny: names,
      bare: fc.boolean(),
    });
    return fc
      .record({ hasDefault: fc.boolean(), defaultUser: userArb, users: fc.array(userArb, { maxLength: 5 }) })
      .map(({ hasDefault, defaultUser, users }) => {
        const roles: RoleSpec[] = roleAllows.map((r, i) => ({ id: roleIds[i], allow: r.allow }));
        const userSpecs: UserSpec[] = users.map((u, i) => ({
          id: `user-${i}`,
          ...u,
          roles: u.roles.filter((r) => r !== ''),
        }));
        if (hasDefault) userSpecs.unshift({ ...defaultUser, roles: defaultUser.roles.filter((r) => r !== '') });
        return { roles, users: userSpecs };
      });
  });
}

const scenarioArb = catalogArb.chain((catalog) =>
  fc.tuple(fc.constant(loadCatalog(catalog).catalog!), fileArb(catalog, false)),
);

/** An independent, naive implementation of docs/access-file.md "Resolution" over name sets. */
function reference(catalog: Catalog, spec: { roles: RoleSpec[]; users: UserSpec[] }) {
  const all = catalog.permissions.map((p) => p.name);
  const byName = new Map(catalog.permissions.map((p) => [p.name, p]));
  const closure = (names: Iterable<string>): Set<string> => {
    const out = new Set<string>();
    const todo = [...names];
    while (todo.length) {
      const name = todo.pop()!;
      if (out.has(name)) continue;
      out.add(name);
      todo.push(...(name === 'unrestricted' ? all : byName.get(name)!.implies));
    }
    return out;
  };
  const denyClosure = (denied: string[]): Set<string> => {
    const removed = closure(denied);
    const out = new Set(removed);
    for (const p of all) if ([...closure([p])].some((q) => removed.has(q))) out.add(p);
    return out;
  };
  const roleAllow = new Map<string, string[]>();
  for (const role of spec.roles) if (!roleAllow.has(role.id)) roleAllow.set(role.id, role.allow ?? []);
  const effective = (user: UserSpec, inherited: Set<string>): Set<string> => {
    const granted = new Set<string>(user.bare ? [] : inherited);
    for (const name of closure([...(user.roles ?? []).flatMap((r) => roleAllow.get(r)!), ...(user.allow ?? [])]))
      granted.add(name);
    for (const name of denyClosure(user.deny ?? [])) granted.delete(name);
    return granted;
  };
  const defaultSpec = spec.users.find((u) => u.id === undefined) ?? {};
  const defaultSet = effective(defaultSpec, closure(catalog.defaults));
  return {
    closure,
    denyClosure,
    defaultSet,
    effective: (user: UserSpec) => (user.id === undefined ? defaultSet : effective(user, defaultSet)),
  };
}

describe('resolution properties (random catalogs and files)', () => {
  it('matches a naive implementation of docs/access-file.md "Resolution" for every user', () => {
    fc.assert(
      fc.property(scenarioArb, ([catalog, spec]) => {
        const policy = compile(buildModel(spec), catalog).policy!;
        const ref = reference(catalog, spec);
        for (const user of spec.users) expect(policy.effective(user.id)).toEqual([...ref.effective(user)].sort());
        expect(policy.effective(undefined)).toEqual([...ref.defaultSet].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('closes every effective set under implies', () => {
    fc.assert(
      fc.property(scenarioArb, ([catalog, spec]) => {
        const policy = compile(buildModel(spec), catalog).policy!;
        const ref = reference(catalog, spec);
        for (const user of [...spec.users, { id: undefined }]) {
          const effective = policy.effective(user.id);
          expect([...ref.closure(effective)].sort()).toEqual(effective);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never grants a denied permission or anything in its deny closure', () => {
    fc.assert(
      fc.property(scenarioArb, ([catalog, spec]) => {
        const policy = compile(buildModel(spec), catalog).policy!;
        const ref = reference(catalog, spec);
        for (const user of spec.users) {
          for (const name of ref.denyClosure(user.deny ?? [])) expect(policy.check(user.id, name)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never gives a bare user anything beyond its own roles and allow', () => {
    fc.assert(
      fc.property(scenarioArb, ([catalog, spec]) => {
        const policy = compile(buildModel(spec), catalog).policy!;
        const ref = reference(catalog, spec);
        for (const user of spec.users.filter((u) => u.bare)) {
          const own = ref.closure([
            ...(user.roles ?? []).flatMap((r) => spec.roles.find((x) => x.id === r)!.allow ?? []),
            ...(user.allow ?? []),
          ]);
          for (const name of policy.effective(user.id)) expect(own.has(name)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agrees between check(), checkId(), checkAll/checkAny, effective() and explain()', () => {
    fc.assert(
      fc.property(scenarioArb, fc.string(), ([catalog, spec], stranger) => {
        const policy = compile(buildModel(spec), catalog).policy!;
        const names = catalog.permissions.map((p) => p.name);
        for (const who of [undefined, stranger, ...spec.users.map((u) => u.id)]) {
          const effective = new Set(policy.effective(who));
          for (const name of names) {
            const allowed = effective.has(name);
            expect(policy.check(who, name)).toBe(allowed);
            expect(policy.checkId(who, policy.permissionId(name))).toBe(allowed);
            expect(policy.checkAll(who, [name])).toBe(allowed);
            expect(policy.checkAny(who, [name])).toBe(allowed);
            expect(policy.explain(who, name).permission!.allowed).toBe(allowed);
          }
          expect(policy.checkAll(who, names)).toBe(effective.size === names.length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on a model with unknown names, and reports each one', () => {
    fc.assert(
      fc.property(
        catalogArb.chain((catalog) => fc.tuple(fc.constant(catalog), fileArb(catalog, true))),
        ([catalog, spec]) => {
          const result = compile(buildModel(spec), catalog);
          const unknown = [
            ...spec.roles.flatMap((r) => r.allow ?? []),
            ...spec.users.flatMap((u) => [...(u.allow ?? []), ...(u.deny ?? [])]),
          ].filter((name) => !catalog.permissions.some((p) => p.name === name));
          const errors = result.diagnostics.filter((d) => d.ruleId === 'unknown-permission');
          expect(errors).toHaveLength(unknown.length);
          expect(result.policy === null).toBe(result.diagnostics.length > 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on any model the parser produces from arbitrary TOML-like text', () => {
    const token = fc.constantFrom(
      '[[user]]',
      '[[role]]',
      '[user]',
      'id = ',
      'allow = ',
      'deny = ',
      'roles = ',
      'bare = ',
      '"wallet"',
      '"a, b,,"',
      '["x", "unrestricted"]',
      'true',
      '"true"',
      '1',
      '\n',
      ' ',
      '"',
      '#',
      'x = 2',
      '{',
      '}',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(token, fc.string({ maxLength: 6 })), { maxLength: 40 }), (parts) => {
        const parsed = parseAccessFile(parts.join(''));
        if (parsed.model) {
          const result = compile(parsed.model, nanoCatalog);
          expect(Array.isArray(result.diagnostics)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
