import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoAggregates } from '../../../../functions/adapters/dynamo-aggregates.ts';
import { buildReport } from '../../../../functions/core/report.ts';
import { recordOutcome } from '../../../../functions/domain/outcome.ts';
import { performTouch } from '../../../../functions/domain/touch.ts';
import {
  type Dynamo,
  type Engine,
  engine,
  enroll,
  FOLLOW_UP,
  startDynamo,
  TABLE,
  touchEvent,
} from '../../../support/metrics-world.ts';

/*
 * Speed to lead's counters on a real DynamoDB protocol (dynalite): the enrollment's start read back by the write that
 * marks it (no extra request), each mark set once under concurrency, and the owner's rows read with the report's
 * Queries.
 */

const ARRIVAL = new Date('2026-03-04T16:00:00Z');
const minutes = (n: number) => new Date(ARRIVAL.getTime() + n * 60_000);

let dynamo: Dynamo;
let e: Engine;

beforeEach(async () => {
  dynamo = await startDynamo();
  e = engine(dynamo.client);
});

afterEach(async () => {
  await dynamo.close();
});

describe('speed to lead in DynamoDB', () => {
  it('times the first touch and the first task done once each, even when the task is marked done twice at once', async () => {
    // Prepare
    const lead = await enroll(e, { email: 'jordan@example.com', name: 'Jordan' }, FOLLOW_UP.id, ARRIVAL);
    await performTouch(e.touchDeps, touchEvent(lead, FOLLOW_UP.id, 0), minutes(4));
    await performTouch(e.touchDeps, touchEvent(lead, FOLLOW_UP.id, 1), minutes(24 * 60));
    const task = { enrollmentId: lead.enrollmentId, stepIndex: 1 };

    // Act: "Done" delivered twice at once, then "Won" from the same email.
    const clicks = await Promise.all(
      [0, 1].map(() =>
        recordOutcome(
          e.signalDeps,
          { leadId: lead.leadId, id: 'outcome-link:done', source: 'outcome-link', result: 'done', task },
          minutes(25 * 60),
        ),
      ),
    );
    await recordOutcome(
      e.signalDeps,
      {
        leadId: lead.leadId,
        id: 'outcome-link:won',
        source: 'outcome-link',
        result: 'won',
        value: 900,
        task,
      },
      minutes(26 * 60),
    );

    // Assess
    expect(clicks.map((c) => c.outcome).sort()).toEqual(['applied', 'duplicate']);
    const rows = await new DynamoAggregates({ client: dynamo.client, tableName: TABLE }).read();
    expect(rows.filter((r) => r.slot === 'speed')).toEqual([
      {
        cadenceId: FOLLOW_UP.id,
        month: '2026-03',
        slot: 'speed',
        owner: '',
        counts: { speedFirst5m: 1, speedHuman3d: 1 },
      },
    ]);
    const { speedToLead } = buildReport(rows);
    expect(speedToLead.firstTouch.p50?.label).toBe('≤ 5 min');
    expect(speedToLead.humanTouch.p95?.label).toBe('≤ 3 d');
  });

  it('marks an enrollment’s human touch once and says nothing of an enrollment that does not exist', async () => {
    // Prepare
    const lead = await enroll(e, { email: 'sam@example.com' }, FOLLOW_UP.id, ARRIVAL);
    const aggregates = new DynamoAggregates({ client: dynamo.client, tableName: TABLE });

    // Act
    const marks = await Promise.all(
      [0, 1, 2].map(() =>
        aggregates.markHumanTouch(lead.leadId, lead.enrollmentId, minutes(5).toISOString()),
      ),
    );
    const missing = await aggregates.markHumanTouch(
      lead.leadId,
      'no-such-enrollment',
      minutes(5).toISOString(),
    );

    // Assess
    expect(marks.filter(Boolean)).toEqual([
      { cadenceId: FOLLOW_UP.id, enrolledAt: '2026-03-04T16:00:00Z', source: 'intake' },
    ]);
    expect(missing).toBeUndefined();
  });
});
