import {
  COUNT_OVER_CAP_CODE,
  COUNT_PARAMETER_ACTIONS,
  LegacyError,
  LIST_OVER_CAP_CODE,
  LIST_PARAMETER_ACTIONS,
  type JsonObject,
  type ListParameter,
} from '@nano-access/protocol';
import { Counter } from '@nano-access/metrics';
import type { ResponseCapsConfig } from '../config/rpc-config';

type LegacyRequest = JsonObject & { action: string };

/** What the caps made of a request: the request to forward (a copy when clamped), or a refusal body. */
export type CapResult = { request: LegacyRequest; clamped: boolean } | { refusal: JsonObject };

/** A count the node reads as exactly this number: a whole JSON number, or decimal digits only. */
const PLAIN_DIGITS = /^[0-9]{1,15}$/;

/**
 * Response caps over legacy requests ([response_caps]). A count is let through only when it is
 * a plain number from 1 to the cap; everything else, which includes what the node reads as
 * "every entry" (`"-1"`, a count past 2^64 wrapped, a sign or white space the node skips) and
 * what it might read in ways we do not know, is over the cap: clamped to it or refused, as
 * configured. An absent count becomes the cap in both modes (the node's default is unlimited, or
 * larger than a cap, or the request is refused without one). A list with more entries than its
 * cap is refused in both modes: dropping entries would silently answer another question.
 */
export class ResponseCaps {
  private readonly countCaps = new Map<string, number>();
  private readonly listCaps = new Map<string, { parameter: ListParameter; max: number }>();
  private readonly clampOver: boolean;
  /** Per capped action: clamped (counted actions only) and refused, in the order of protocol's tables. */
  private readonly counts = new Counter({
    name: 'nano_access_gateway_response_caps_total',
    help: 'Legacy requests whose count was clamped or that were refused by [response_caps].',
    labelNames: ['action', 'result'],
    order: 'created',
  });

  constructor(config: ResponseCapsConfig) {
    this.clampOver = config.mode === 'clamp';
    for (const action of COUNT_PARAMETER_ACTIONS.keys()) {
      this.countCaps.set(action, config.countByAction[action] ?? config.maxCount);
    }
    for (const [action, parameter] of LIST_PARAMETER_ACTIONS) {
      this.listCaps.set(action, { parameter, max: parameter === 'accounts' ? config.maxAccounts : config.maxHashes });
    }
    for (const action of new Set([...this.countCaps.keys(), ...this.listCaps.keys()])) {
      if (this.countCaps.has(action)) this.counts.zero(action, 'clamped');
      this.counts.zero(action, 'refused');
    }
  }

  /** Applies the caps of the request's action (none: the request as it is). Never mutates the request. */
  apply(request: LegacyRequest): CapResult {
    const action = request.action;
    const list = this.listCaps.get(action);
    if (list !== undefined) {
      const entries = entryCount(request[list.parameter]);
      if (entries > list.max) {
        this.counts.inc(action, 'refused');
        return {
          refusal: {
            error: `${LegacyError.listOverCap}: ${action} takes at most ${list.max} ${list.parameter} (${entries} given)`,
            code: LIST_OVER_CAP_CODE,
          },
        };
      }
    }
    const cap = this.countCaps.get(action);
    if (cap === undefined) return { request, clamped: false };
    const count = request.count;
    if (count !== undefined && withinCap(count, cap)) return { request, clamped: false };
    if (count === undefined || this.clampOver) {
      this.counts.inc(action, 'clamped');
      return { request: { ...request, count: String(cap) }, clamped: true };
    }
    this.counts.inc(action, 'refused');
    return {
      refusal: {
        error: `${LegacyError.countOverCap}: ${action} takes a count from 1 to ${cap}`,
        code: COUNT_OVER_CAP_CODE,
      },
    };
  }

  /** Prometheus text: clamped and refused requests per capped action. */
  metricsText(): string {
    return this.counts.render();
  }
}

function withinCap(count: unknown, cap: number): boolean {
  if (typeof count === 'number') return Number.isSafeInteger(count) && count >= 1 && count <= cap;
  if (typeof count === 'string' && PLAIN_DIGITS.test(count)) {
    const value = Number(count);
    return value >= 1 && value <= cap;
  }
  return false;
}

/** Entries the node would read from a list parameter: array elements, or an object's values. */
function entryCount(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return 0;
}
