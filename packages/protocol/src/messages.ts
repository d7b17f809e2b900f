/** API v2 message names (the members of nanoapi.fbs's `Message` union, in union order). */
export const MESSAGE_TYPES = [
  'Error',
  'Success',
  'IsAlive',
  'EventAck',
  'BlockInfo',
  'AccountWeight',
  'AccountWeightResponse',
  'TopicConfirmation',
  'EventConfirmation',
  'ServiceRegister',
  'ServiceStop',
  'TopicServiceStop',
  'EventServiceStop',
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

/**
 * Messages of this project that the node does not have (JSON envelopes only: they are not members
 * of the flatbuffers union, so encoding 3 cannot carry them).
 */
export const EXTENSION_MESSAGE_TYPES = ['AccessReload', 'AccessReloadResponse'] as const;

/** The messages a client may send (the node's handler map); every other type is "Unknown message type". */
export const REQUEST_TYPES = [
  'IsAlive',
  'AccountWeight',
  'ServiceRegister',
  'ServiceStop',
  'TopicServiceStop',
  'TopicConfirmation',
  'AccessReload',
] as const;

export type RequestType = (typeof REQUEST_TYPES)[number];

/** The request types by the length of their names (no two share one), for requestTypeOf. */
const requestTypeByLength: ReadonlyArray<RequestType | undefined> = (() => {
  const table: Array<RequestType | undefined> = [];
  for (const name of REQUEST_TYPES) {
    if (table[name.length] !== undefined)
      throw new Error(`request types ${table[name.length]} and ${name}: same length`);
    table[name.length] = name;
  }
  return table;
})();

/**
 * The request type `name` names, as this module's own string, or undefined when it names none.
 * A name read off a request (a URL's path, a parsed body) is a new string each time: every map,
 * set and table that looks it up hashes it and compares it character by character. The returned
 * string is the constant itself, whose hash is kept and which compares by identity, so the
 * dispatcher's and the metrics' lookups after this one cost a pointer compare each. Found by
 * length and one comparison: hashing the name to look it up would cost more than that.
 */
export function requestTypeOf(name: string): RequestType | undefined {
  const type = requestTypeByLength[name.length];
  return type !== undefined && type === name ? type : undefined;
}

/**
 * `requestTypeOf` of the end of `text`, from `start` (a URL's path after `/api/v2/`), without
 * slicing the name off first. A slice compared with the constant is a sliced string, which V8's
 * string equality leaves its builtin for the runtime to compare (~0.7k instructions a request);
 * `startsWith` at an offset compares the characters where they are.
 */
export function requestTypeAt(text: string, start: number): RequestType | undefined {
  if (start > text.length) return undefined;
  const type = requestTypeByLength[text.length - start];
  return type !== undefined && text.startsWith(type, start) ? type : undefined;
}
