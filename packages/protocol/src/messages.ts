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

const requestTypeSet: ReadonlySet<string> = new Set(REQUEST_TYPES);

export function isRequestType(name: string): name is RequestType {
  return requestTypeSet.has(name);
}
