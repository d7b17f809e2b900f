import type { LegacyForward } from '@nano-access/protocol';
import type { RpcConfig } from '../config/rpc-config';
import { ResponseCache } from './response-cache';
import { ResponseCaps } from './response-caps';

/** The legacy protections in force, as the hook the dispatcher calls in place of the backend. */
export interface LegacyProtection {
  /** Caps, then the cache, then the backend. */
  forward: LegacyForward;
  /** Prometheus text of the caps and the cache (a function value: handed to /metrics as a source). */
  metricsText: () => string;
}

/**
 * Builds the hook from [response_caps] and [cache]; undefined when both are off, so that the
 * request path is then exactly what it is without them. `now`: the cache's clock (tests).
 */
export function createLegacyProtection(config: RpcConfig, now?: () => number): LegacyProtection | undefined {
  const caps = config.responseCaps.enable ? new ResponseCaps(config.responseCaps) : undefined;
  const cache =
    config.cache.enable && Object.keys(config.cache.ttl).length > 0 ? new ResponseCache(config.cache, now) : undefined;
  if (caps === undefined && cache === undefined) return undefined;
  const forward: LegacyForward = (request, backend) => {
    let capped = request;
    if (caps !== undefined) {
      const result = caps.apply(request);
      if ('refusal' in result) return result.refusal;
      capped = result.request;
    }
    return cache === undefined ? backend.legacy(capped) : cache.through(capped, backend);
  };
  return {
    forward,
    metricsText: () => (caps?.metricsText() ?? '') + (cache?.metricsText() ?? ''),
  };
}
