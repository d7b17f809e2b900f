import fc from 'fast-check';
import {
  defaultUserOf,
  forEachUserId,
  hasCredentialedUser,
  userAt,
  userIdLengths,
  userIndexLookup,
} from '../src/model-users';
import type { AccessModel } from '../src/model';
import { parseAccessFile, parseAccessFileAtOnce } from '../src/parse-access-file';

/** Everything the readers say about a model, for every user and some ids that are not there. */
function readings(model: AccessModel) {
  const visited: Array<[number, string, boolean]> = [];
  forEachUserId(model, (index, id, isDefault) => visited.push([index, id, isDefault]));
  const lookup = userIndexLookup(model);
  const probes = [...visited.map(([, id]) => id), '', 'not-an-id', 'u1 '];
  return {
    visited,
    users: visited.map(([index]) => userAt(model, index)),
    defaultUser: defaultUserOf(model),
    credentialed: hasCredentialedUser(model),
    indexes: probes.map((id) => [id, lookup(id)]),
    lengths: [...userIdLengths(model)].sort((a, b) => a - b),
  };
}

/** The model with `users` made to throw: a reader that builds the users' objects fails. */
function withoutUsers(model: AccessModel): AccessModel {
  const columns = model.userColumns;
  return Object.defineProperties(
    { ...model },
    {
      users: {
        get: () => {
          throw new Error('model.users was read');
        },
      },
      userColumns: { get: () => columns },
    },
  );
}

describe('model users readers', () => {
  it('read the columns as the general path reads its users, without building model.users', () => {
    const id = fc.constantFrom('"u1"', '"u2"', '"k-0123456789abcdef"', '"é-long-enough-id"', '""');
    const userLine = fc.oneof(
      id.map((v) => `id = ${v}`),
      fc.constantFrom('allow = "a, b"', 'deny = ["c"]', 'roles = "r1"', 'bare = true', '# c', ''),
    );
    const file = fc.array(
      fc.array(userLine, { maxLength: 3 }).map((lines) => ['[[user]]', ...lines].join('\n')),
      { minLength: 0, maxLength: 5 },
    );
    let taken = 0;
    fc.assert(
      fc.property(fc.boolean(), file, (withRole, users) => {
        const text = [...(withRole ? ['[[role]]\nid = "r1"\nallow = "a"'] : []), ...users].join('\n\n') + '\n';
        const plain = parseAccessFile(text).model;
        if (plain?.userColumns === undefined) return; // not a plain file: only the general path
        taken++;
        const general = parseAccessFileAtOnce(text).model!;
        expect(general.userColumns).toBeUndefined();
        expect(readings(withoutUsers(plain))).toEqual(readings(general));
      }),
      { numRuns: 1500 },
    );
    expect(taken).toBeGreaterThan(200);
  });

  it('name the users of a known file', () => {
    const text = '[[user]]\n\n[[user]]\nid = "key-one-1234567890"\nallow = "a"\n\n[[user]]\nid = "k2"\n';
    const model = withoutUsers(parseAccessFile(text).model!);
    expect(model.userColumns).toBeDefined();
    expect(defaultUserOf(model)?.index).toBe(0);
    expect(hasCredentialedUser(model)).toBe(true);
    expect(userIndexLookup(model)('k2')).toBe(2);
    expect(userIndexLookup(model)('')).toBe(-1);
    expect(userAt(model, 1).idRange).toEqual({ start: text.indexOf('"key-one'), end: text.indexOf('\nallow') });
    expect(userIdLengths(model)).toEqual(new Set([18, 2]));
  });

  it('find no default user and no credentials where there are none', () => {
    const onlyDefault = parseAccessFile('[[user]]\nallow = "a"\n').model!;
    expect(hasCredentialedUser(withoutUsers(onlyDefault))).toBe(false);
    const noDefault = withoutUsers(parseAccessFile('[[user]]\nid = "key-one-1234567890"\n').model!);
    expect(defaultUserOf(noDefault)).toBeUndefined();
    expect(userIndexLookup(noDefault)('key-one-1234567890')).toBe(0);
    expect(userIdLengths(null)).toEqual(new Set());
    expect(userIndexLookup(null)('x')).toBe(-1);
  });
});
