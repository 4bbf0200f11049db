import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as Unit } from '@aws-lambda-powertools/metrics/types';
import { METRIC_NAMESPACE } from '../domain/metrics.ts';
import type { MetricName, MetricSink } from '../domain/report-ports.ts';

/*
 * The business metrics as CloudWatch embedded metric format (EMF) lines in the function's log: no API call, no
 * extra latency. Each metric is written when it happens (a single-metric line), so nothing waits for the end of the
 * invocation and a crash loses nothing already counted. Where nothing reads them (the local runtime),
 * `noMetrics` writes nothing: Powertools can be switched off only through the environment.
 */

const UNITS: Partial<Record<MetricName, Unit>> = { RevenueRecovered: MetricUnit.NoUnit };

export function createMetricSink(service: string): MetricSink {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: service });
  return {
    add(name, value, dimensions = {}) {
      const single = metrics.singleMetric();
      for (const [dimension, dimensionValue] of Object.entries(dimensions)) {
        single.addDimension(dimension, dimensionValue);
      }
      single.addMetric(name, UNITS[name] ?? MetricUnit.Count, value);
    },
  };
}

export const noMetrics: MetricSink = { add() {} };
