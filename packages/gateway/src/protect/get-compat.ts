import { isJsonObject, READ_ONLY_ACTIONS } from '@nano-access/protocol';

/**
 * `GET /?action=…&key=value` (legacy_get) read as the legacy request a POST would carry, the way
 * NanoRPCProxy's Express query parser reads it:
 * - `key=value`: the string "value" (percent-decoded, `+` is a space);
 * - `key=a&key=b` and `key[]=a&key[]=b`: the array ["a", "b"];
 * - `key[0]=a&key[1]=b`: the array too, in index order;
 * - `key[name]=value`: the object {"name": "value"} (one level).
 * Values stay strings, as the node reads every value as text anyway; JSON inside a value is not
 * parsed. Names are own properties only (`__proto__` is just a name).
 */
export function legacyRequestFromQuery(query: string): Record<string, unknown> {
  const fields = new Map<string, unknown>();
  const indexed = new Map<string, Array<[number, string]>>();
  for (const [name, value] of new URLSearchParams(query)) {
    const open = name.indexOf('[');
    if (open > 0 && name.endsWith(']')) {
      const base = name.slice(0, open);
      const inner = name.slice(open + 1, -1);
      if (inner === '') {
        append(fields, base, value);
      } else if (/^[0-9]{1,6}$/.test(inner)) {
        const list = indexed.get(base) ?? [];
        list.push([Number(inner), value]);
        indexed.set(base, list);
      } else if (!inner.includes('[') && !inner.includes(']')) {
        const current = fields.get(base);
        const object = isJsonObject(current) ? current : {};
        Object.defineProperty(object, inner, { value, enumerable: true, writable: true, configurable: true });
        fields.set(base, object);
      } else {
        append(fields, name, value);
      }
      continue;
    }
    const current = fields.get(name);
    if (current === undefined) fields.set(name, value);
    else append(fields, name, value);
  }
  for (const [base, list] of indexed) {
    list.sort((a, b) => a[0] - b[0]);
    for (const [, value] of list) append(fields, base, value);
  }
  // fromEntries defines own properties: a "__proto__" name never reaches a prototype.
  return Object.fromEntries(fields);
}

function append(fields: Map<string, unknown>, name: string, value: string): void {
  const current = fields.get(name);
  if (current === undefined) fields.set(name, [value]);
  else if (Array.isArray(current)) current.push(value);
  else if (typeof current === 'string') fields.set(name, [current, value]);
  else fields.set(name, [value]);
}

/**
 * The actions a GET may carry: the catalog's read-only ones (protocol's READ_ONLY_ACTIONS). A GET
 * is what links, image tags, prefetchers and crawlers send, and its URL ends up in access logs
 * and browser history: nothing that changes state, and no wallet id, password, seed or private
 * key in a parameter. A non-string action is left to the legacy path, which refuses it as a POST.
 */
export function getMayCarry(action: unknown): boolean {
  return typeof action !== 'string' || READ_ONLY_ACTIONS.has(action);
}
