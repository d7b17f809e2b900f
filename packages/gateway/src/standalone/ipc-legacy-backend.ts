import type { Backend } from '@nano-access/protocol';
import { GatewayError, GatewayErrorCode } from '../errors';
import type { IpcPool } from './ipc-pool';

type JsonObject = Record<string, unknown>;
type BackendReply = Awaited<ReturnType<Backend['message']>>;

/**
 * Bodies that stand for an upstream failure, not for an answer of the node.
 * protocol's Dispatcher turns a rejecting backend into a 200 "Internal server
 * error", but an unreachable IPC server is a 502; the backend answers with a
 * marked body and IpcDispatcher turns the mark back into the error.
 */
const upstreamFailures = new WeakMap<object, GatewayError>();

export function isUpstreamFailure(body: object): GatewayError | undefined {
  return upstreamFailures.get(body);
}

/**
 * A protocol Backend whose legacy actions are forwarded over IPC, for the
 * standalone gateway: the Dispatcher in front of it has already authorized
 * the action. Encoding 2 when enable_control (the IPC server then applies its
 * own allow_unsafe), else 1.
 */
export class IpcLegacyBackend implements Backend {
  readonly kind = 'ipc-forward';

  constructor(
    private readonly pool: IpcPool,
    private readonly enableControl: boolean,
  ) {}

  async legacy(request: JsonObject & { action: string }): Promise<JsonObject> {
    let answer: Buffer;
    try {
      answer = await this.pool.request(this.enableControl ? 2 : 1, Buffer.from(JSON.stringify(request), 'utf8'));
    } catch (error) {
      return marked(
        error instanceof GatewayError ? error : new GatewayError(GatewayErrorCode.upstreamUnavailable, String(error)),
      );
    }
    try {
      const value = JSON.parse(answer.toString('utf8')) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
    } catch {
      // fall through
    }
    return marked(
      new GatewayError(
        GatewayErrorCode.upstreamInvalid,
        'The IPC server answered a legacy request with something that is not a JSON object.',
      ),
    );
  }

  /** v2 messages never reach this backend: IpcDispatcher forwards them as envelopes. */
  async message(): Promise<BackendReply> {
    return { ok: false, code: 2, message: 'Internal error' };
  }

  subscribe(): () => void {
    return () => undefined;
  }

  requestStop(): void {
    // The `stop` action is forwarded to the IPC server, which stops itself.
  }

  async close(): Promise<void> {
    // The pool is closed by its owner.
  }
}

function marked(error: GatewayError): JsonObject {
  const body: JsonObject = { error: error.message };
  upstreamFailures.set(body, error);
  return body;
}
