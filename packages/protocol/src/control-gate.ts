import type { CatalogAction, ControlArgument, Credentials, Policy } from '@nano-access/resolver';
import type { JsonObject } from './types';

/**
 * The control gate: which requests need control (the gateway's `enable_control`, the IPC
 * transport's `allow_unsafe`) on top of their permission. The catalog says which actions and
 * which arguments widen an action; this file is the one reading of them.
 *
 * The gate reads an argument strictly, the other way round from the node: the node reads a flag
 * leniently (to it "01", "+1", " 1" and 1 are all true), so anything that is not plainly off needs
 * control. This is not how a backend reads a flag to answer as the node would (the embedded
 * backend's nodeFlagValue); the gate never uses that reading.
 */

/** The gate's reading of a widening argument: off only when absent or exactly (same JSON type and value) one of its `off` values. */
export function isControlArgumentOff(value: unknown, argument: ControlArgument): boolean {
  if (value === undefined) return true;
  for (const off of argument.off) if (value === off) return true;
  return false;
}

/** True when the legacy request needs control: a control action, or a widening argument that is not off. */
export function actionNeedsControl(entry: CatalogAction, request: JsonObject): boolean {
  if (entry.control) return true;
  const widening = entry.controlArguments;
  if (widening === undefined) return false;
  for (const name of Object.keys(widening)) {
    const value = Object.hasOwn(request, name) ? request[name] : undefined;
    if (!isControlArgumentOff(value, widening[name])) return true;
  }
  return false;
}

/** The service name whose ServiceStop stops the server itself, as the reference node's. */
export const NODE_SERVICE_NAME = 'node';

/** The legacy action whose permission and control flag stopping the node through ServiceStop also needs. */
export const STOP_ACTION = 'stop';

/** True for a v2 message that stops the node: ServiceStop with service_name exactly "node". */
export function stopsTheNode(messageType: unknown, message: unknown): boolean {
  return (
    messageType === 'ServiceStop' &&
    typeof message === 'object' &&
    message !== null &&
    (message as JsonObject).service_name === NODE_SERVICE_NAME
  );
}

/**
 * Stopping the node through ServiceStop is a control action wherever it comes from: it needs
 * control and the `stop` action's permission (`api_stop` in the Nano catalog), on top of the
 * message's own. Fail closed: a catalog without a `stop` action lets nobody stop the node this way.
 */
export function mayStopTheNode(policy: Policy, credentials: Credentials, controlAllowed: boolean): boolean {
  if (!controlAllowed) return false;
  try {
    const stop = policy.action(STOP_ACTION);
    if (stop === undefined) return false;
    return policy.check(credentials, stop.permission);
  } catch {
    return false;
  }
}
