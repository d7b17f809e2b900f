import { ErrorCode, ErrorMessage, type JsonObject } from '@nano-access/protocol';

/**
 * The WebSocket protocol at /api/v2/ws, as the node's WebSocket clients speak it for the topics
 * served here. Pure: parsing what a client sent, and building what the gateway sends.
 *
 * Client → gateway: `{"action":"subscribe"|"unsubscribe","topic","ack"?,"id"?,"options"?}`,
 * `{"action":"ping","id"?}`, and as the first message only, `{"credentials":"<id>"}`.
 * Gateway → client: acks `{"ack","time","id"?}`, events `{"topic","time","message"}`, and errors
 * `{"topic":"error","time","id"?,"message":{"code","message"}}` (the v2 Error envelope with `topic`
 * in place of `message_type`, as events are).
 */

/** Topics served here (the node's WebSocket names). */
export const WS_TOPICS = ['confirmation'] as const;
export type WsTopic = (typeof WS_TOPICS)[number];

/** The v2 message that subscribes to each topic (its catalog permission is the topic's). */
export const TOPIC_MESSAGE: Record<WsTopic, 'TopicConfirmation'> = { confirmation: 'TopicConfirmation' };

/** Texts of the errors only this protocol has (the shared ones are protocol's ErrorMessage). */
export const WsErrorMessage = {
  unsupportedTopic: 'Unsupported topic',
  unsupportedAction: 'Unsupported action',
  unsupportedOption: 'Unsupported option',
  credentialsNotFirst: 'Credentials may only be sent as the first message',
  upstreamLost: 'Upstream subscription lost; events are missed until it is restored',
  upstreamRestored: 'Upstream subscription restored',
} as const;

/** The node WebSocket's confirmation options → TopicConfirmation's option names. */
const CONFIRMATION_OPTIONS: Record<string, string> = {
  confirmation_type: 'confirmation_type_filter',
  all_local_accounts: 'all_local_accounts',
  accounts: 'accounts',
  include_block: 'include_block',
  include_election_info: 'include_election_info',
};

export type ClientMessage =
  | { kind: 'credentials'; credentials: unknown }
  | { kind: 'subscribe' | 'unsubscribe'; topic: WsTopic; ack: boolean; id?: string; options: JsonObject }
  | { kind: 'ping'; id?: string }
  | { kind: 'error'; code: number; message: string; id?: string };

/** Reads one text message. Never throws: anything unusable is a `kind: 'error'` to answer. */
export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('not a JSON object');
  const object = value as JsonObject;
  if ('credentials' in object && !('action' in object)) return { kind: 'credentials', credentials: object.credentials };
  const id = typeof object.id === 'string' ? object.id : undefined;
  if (object.id !== undefined && id === undefined) return invalid('"id" must be a string');
  const action = object.action;
  if (action === 'ping') return withId({ kind: 'ping' }, id);
  if (action !== 'subscribe' && action !== 'unsubscribe') {
    if (typeof action !== 'string') return invalid('"action" must be a string', id);
    return withId(
      {
        kind: 'error',
        code: ErrorCode.generic,
        message: `${WsErrorMessage.unsupportedAction}: ${JSON.stringify(action)}`,
      },
      id,
    );
  }
  const topic = object.topic;
  if (typeof topic !== 'string') return invalid('"topic" must be a string', id);
  if (!(WS_TOPICS as readonly string[]).includes(topic)) {
    return withId(
      {
        kind: 'error',
        code: ErrorCode.generic,
        message: `${WsErrorMessage.unsupportedTopic}: ${JSON.stringify(topic)}`,
      },
      id,
    );
  }
  if (object.ack !== undefined && typeof object.ack !== 'boolean') return invalid('"ack" must be a boolean', id);
  const options = object.options ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    return invalid('"options" must be an object', id);
  const translated: JsonObject = {};
  for (const [name, optionValue] of Object.entries(options)) {
    const mapped = CONFIRMATION_OPTIONS[name];
    if (mapped === undefined) {
      return withId(
        {
          kind: 'error',
          code: ErrorCode.generic,
          message: `${WsErrorMessage.unsupportedOption}: ${JSON.stringify(name)}`,
        },
        id,
      );
    }
    translated[mapped] = optionValue;
  }
  return withId({ kind: action, topic: topic as WsTopic, ack: object.ack === true, options: translated }, id);
}

/** `{"ack": action, "time", "id"?}`: as the node acknowledges subscribe, unsubscribe and ping ("pong"). */
export function ackMessage(ack: string, id: string | undefined): JsonObject {
  return withId({ ack, time: Date.now() }, id);
}

/** `{"topic", "time", "message"}`: one event. */
export function eventMessage(topic: WsTopic, time: number, message: JsonObject): JsonObject {
  return { topic, time, message };
}

/** `{"topic":"error", "time", "id"?, "message": {"code", "message", "topic"?}}`. */
export function errorMessage(code: number, message: string, id?: string, topic?: WsTopic): JsonObject {
  const body: JsonObject = topic === undefined ? { code, message } : { code, message, topic };
  return withId({ topic: 'error', time: Date.now(), message: body }, id);
}

/** `{"topic":"notice", "time", "message": {"message", "topic"}}`: news about a subscription that is not an error. */
export function noticeMessage(message: string, topic: WsTopic): JsonObject {
  return { topic: 'notice', time: Date.now(), message: { message, topic } };
}

function invalid(detail: string, id?: string): ClientMessage {
  return withId(
    { kind: 'error', code: ErrorCode.generic, message: `${ErrorMessage.invalidFormatPrefix}${detail}` },
    id,
  );
}

function withId<T extends object>(value: T, id: string | undefined): T & { id?: string } {
  return id === undefined ? value : { ...value, id };
}
