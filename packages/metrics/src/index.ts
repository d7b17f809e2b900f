export {
  escapeHelp,
  escapeLabelValue,
  family,
  familyHeader,
  formatValue,
  labelText,
  sampleLine,
  type MetricType,
  type Sample,
} from './exposition';
export { errorCodes, MetricsError, MetricsErrorCode } from './errors';
export { Counter, Gauge, Histogram, Metric, type HistogramOptions, type MetricOptions } from './metric';
export { Registry, type Collector } from './registry';
