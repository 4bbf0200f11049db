import { describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../../../functions/adapters/cadence-files.ts';
import {
  COMPLETE_STATE,
  compileCadence,
  RETRY_SENDING_CAPACITY,
  RETRY_TRANSIENT,
  type TaskState,
} from '../../../../functions/core/compile.ts';
import { SendingCapacity } from '../../../../functions/core/errors.ts';

/* A touch waiting for sending capacity retries for hours with its own Retrier; nothing else does. */

const TARGETS = { touchFunction: 'touch', completeFunction: 'complete' };
const cadences = loadCadencesSync('cadences');

/** The mean wait FULL jitter gives over every attempt: half of each capped, doubled delay. */
function meanTotalWaitSeconds(retrier: typeof RETRY_SENDING_CAPACITY): number {
  let total = 0;
  for (let attempt = 0; attempt < retrier.MaxAttempts; attempt++) {
    const delay = Math.min(retrier.IntervalSeconds * retrier.BackoffRate ** attempt, retrier.MaxDelaySeconds);
    total += delay / 2;
  }
  return total;
}

describe('the sending-capacity Retrier', () => {
  it.each(cadences.map((c) => [c.id, c] as const))(
    'is on every touch Task, before the transient one: %s',
    (_, cadence) => {
      // Act
      const definition = compileCadence(cadence, TARGETS);
      const tasks = Object.entries(definition.States).filter(
        (entry): entry is [string, TaskState] => entry[1].Type === 'Task',
      );

      // Assess
      for (const [name, task] of tasks) {
        const first = task.Retry[0];
        if (name === COMPLETE_STATE) {
          expect(task.Retry.flatMap((r) => r.ErrorEquals)).not.toContain('SendingCapacity');
          continue;
        }
        expect(first).toEqual({ ...RETRY_SENDING_CAPACITY, ErrorEquals: ['SendingCapacity'] });
        expect(task.Retry[1]?.ErrorEquals).toEqual([...RETRY_TRANSIENT.ErrorEquals]);
      }
    },
  );

  it('matches the error the governor throws, waits for days not minutes, and jitters fully', () => {
    expect(RETRY_SENDING_CAPACITY.ErrorEquals).toEqual([new SendingCapacity('daily-cap').name]);
    expect(RETRY_SENDING_CAPACITY.ErrorEquals).not.toContain('TransientError');
    expect(RETRY_SENDING_CAPACITY.JitterStrategy).toBe('FULL');
    expect(RETRY_SENDING_CAPACITY.MaxDelaySeconds).toBe(3600);
    // Past a day's cap and a weekend on average; the transient Retrier gives up within minutes.
    expect(meanTotalWaitSeconds(RETRY_SENDING_CAPACITY)).toBeGreaterThan(2.5 * 86_400);
    expect(meanTotalWaitSeconds({ ...RETRY_TRANSIENT, ErrorEquals: [] })).toBeLessThan(600);
  });
});
