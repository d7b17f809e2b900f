import { SourceText, type AccessModel, type NameRef, type RoleEntry, type UserEntry } from '@nano-access/parser';

export interface RoleSpec {
  id: string;
  allow?: string[];
}

export interface UserSpec {
  /** Absent: the default user. */
  id?: string;
  roles?: string[];
  allow?: string[];
  deny?: string[];
  bare?: boolean;
}

/**
 * Builds an AccessModel by hand, without the parser: renders the TOML the
 * model stands for and records the real offsets of every name, so spans in
 * diagnostics point at real text.
 */
export function buildModel(spec: { roles?: RoleSpec[]; users?: UserSpec[] }, file = 'config-access.toml'): AccessModel {
  let text = '';
  const list = (key: string, names: string[] | undefined): NameRef[] => {
    if (names === undefined) return [];
    text += `${key} = "`;
    const refs = names.map((name, i) => {
      if (i > 0) text += ', ';
      const start = text.length;
      text += name;
      return { name, range: { start, end: text.length } };
    });
    text += '"\n';
    return refs;
  };
  const roles: RoleEntry[] = (spec.roles ?? []).map((role, index) => {
    const headerStart = text.length;
    text += '[[role]]\n';
    const range = { start: headerStart, end: headerStart + 8 };
    text += 'id = "';
    const idRange = { start: text.length, end: text.length + role.id.length };
    text += `${role.id}"\n`;
    return { index, id: role.id, idRange, range, allow: list('allow', role.allow) };
  });
  const users: UserEntry[] = (spec.users ?? []).map((user, index) => {
    const headerStart = text.length;
    text += '[[user]]\n';
    const range = { start: headerStart, end: headerStart + 8 };
    let idRange = range;
    if (user.id !== undefined) {
      text += 'id = "';
      idRange = { start: text.length, end: text.length + user.id.length };
      text += `${user.id}"\n`;
    }
    const entry: UserEntry = {
      index,
      id: user.id ?? '',
      isDefault: user.id === undefined || user.id === '',
      idRange,
      range,
      roles: list('roles', user.roles),
      allow: list('allow', user.allow),
      deny: list('deny', user.deny),
      bare: user.bare ?? false,
    };
    if (user.bare !== undefined) {
      text += 'bare = ';
      entry.bareRange = { start: text.length, end: text.length + String(user.bare).length };
      text += `${String(user.bare)}\n`;
    }
    return entry;
  });
  return { file, source: new SourceText(text), roles, users };
}
