import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../../functions/runtime/logger.ts';
import { createMetricSink } from '../../../../functions/runtime/metrics.ts';

/* The Lambda side of logs and metrics: Powertools JSON logs without addresses, and EMF lines CloudWatch reads. */

let lines: string[];

beforeEach(() => {
  lines = [];
  // Powertools writes INFO to stdout, WARN and ERROR to stderr: Lambda takes both.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  }
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const json = () =>
  lines
    .flatMap((l) => l.split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('createLogger', () => {
  it('writes one JSON object per line with level, message, service and timestamp; lead ids stay, addresses go', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    const logger = createLogger('followup');

    // Act
    logger.info('touch-sent', {
      leadId: 'ld_123',
      email: 'jordan@example.com',
      phone: '+13125550142',
      name: 'Jordan',
    });

    // Assess
    const [entry, ...more] = json();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      level: 'INFO',
      message: 'touch-sent',
      service: 'followup',
      leadId: 'ld_123',
      email: '[redacted]',
      phone: '[redacted]',
      name: '[redacted]',
    });
    expect(typeof entry?.timestamp).toBe('string');
    expect(lines.join('')).not.toContain('jordan@example.com');
  });

  it('writes nothing below POWERTOOLS_LOG_LEVEL (the local runtime keeps its terminal quiet)', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
    const logger = createLogger('followup');

    // Act
    logger.info('touch-sent', { leadId: 'ld_123' });
    logger.warn('touch-slow', { leadId: 'ld_123' });

    // Assess
    expect(json().map((e) => e.message)).toEqual(['touch-slow']);
  });
});

describe('createMetricSink', () => {
  it('writes an EMF line per metric, in the Followup namespace, split by the dimensions given', () => {
    // Prepare
    const metrics = createMetricSink('followup');

    // Act
    metrics.add('TouchesSent', 1, { channel: 'sms' });
    metrics.add('RevenueRecovered', 4200);

    // Assess
    const [sent, revenue] = json();
    expect(sent).toMatchObject({ service: 'followup', channel: 'sms', TouchesSent: 1 });
    expect(sent?._aws).toMatchObject({
      CloudWatchMetrics: [
        {
          Namespace: 'Followup',
          Dimensions: [['service', 'channel']],
          Metrics: [{ Name: 'TouchesSent', Unit: 'Count' }],
        },
      ],
    });
    expect(revenue).toMatchObject({ service: 'followup', RevenueRecovered: 4200 });
    expect(revenue?._aws).toMatchObject({
      CloudWatchMetrics: [
        { Dimensions: [['service']], Metrics: [{ Name: 'RevenueRecovered', Unit: 'None' }] },
      ],
    });
  });

  it('writes nothing with POWERTOOLS_METRICS_DISABLED, as the local runtime sets it', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const metrics = createMetricSink('followup');

    // Act
    metrics.add('Replies', 1);

    // Assess
    expect(json()).toEqual([]);
  });
});
