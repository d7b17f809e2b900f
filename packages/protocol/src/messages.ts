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

/** Each request type's name, to the name as this module spells it (see requestTypeOf). */
const requestTypeByName: ReadonlyMap<string, RequestType> = new Map(REQUEST_TYPES.map((name) => [name, name]));

/**
 * The request type `name` names, as this module's own string, or undefined when it names none.
 * A name read off a request (a URL's path, a parsed body) is a new string each time: every map,
 * set and table that looks it up hashes it and compares it character by character. The returned
 * string is the constant itself, whose hash is kept and which compares by identity, so the
 * dispatcher's and the metrics' lookups after this one cost a pointer compare each.
 */
export function requestTypeOf(name: string): RequestType | undefined {
  return requestTypeByName.get(name);
}
