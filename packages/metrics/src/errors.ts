import { defineErrorCodes, listErrorCodes, NanoAccessError, type ErrorCodeOf } from '@nano-access/parser';

/** Stable codes of the metrics package's programmer errors (each has a section in docs/errors.md). */
export const MetricsErrorCode = defineErrorCodes({
  /** A metric was declared wrongly: its name, a label name, more than three labels, or its histogram buckets. */
  badDefinition: 'NA_METRICS_BAD_DEFINITION',
  /** A counter was given an increment that is negative or not a number. */
  badIncrement: 'NA_METRICS_BAD_INCREMENT',
});

export type MetricsErrorCode = ErrorCodeOf<typeof MetricsErrorCode>;

/** Every code a MetricsError can carry. */
export const errorCodes = listErrorCodes(MetricsErrorCode);

/** Thrown for programmer errors only: a metric declared wrongly, a counter given a negative increment. */
export class MetricsError extends NanoAccessError<MetricsErrorCode> {}
