import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { StaticCadenceCatalog } from '../../functions/adapters/cadence-catalog.ts';
import { DynamoLeadStore } from '../../functions/adapters/dynamo/lead-store.ts';
import { DynamoAggregates } from '../../functions/adapters/dynamo-aggregates.ts';
import type { Channel } from '../../functions/core/cadence-schema.ts';
import { enrollLead } from '../../functions/domain/enroll.ts';
import { parseFrequencyCap } from '../../functions/domain/frequency-cap.ts';
import type { LeadProfile } from '../../functions/domain/lead.ts';
import type { Executions, LeadStore } from '../../functions/domain/ports.ts';
import type { Aggregates, MetricName, MetricSink } from '../../functions/domain/report-ports.ts';
import type { Signal } from '../../functions/domain/signal-schema.ts';
import type { SignalDeps } from '../../functions/domain/signals.ts';
import type { TouchDeps } from '../../functions/domain/touch.ts';
import type { TouchEvent } from '../../functions/domain/touch-input.ts';
import { createFollowupTable } from '../../local/table.ts';
import { cadence, EVERY_DAY, silentLogger, templates } from './handler-fixtures.ts';

/*
 * The engine's domain against a real DynamoDB protocol (dynalite in memory): the lead store and the aggregates as
 * Lambda builds them, with the sends, the executions and the metrics faked at their ports.
 */

export const TABLE = 'followup-metrics-test';

export const FOLLOW_UP = cadence({
  id: 'follow-up',
  timezone: 'America/Chicago',
  sendWindow: EVERY_DAY,
  minGap: '0 minutes',
  steps: [
    { id: 'hello', wait: '0 minutes', channel: 'email', template: 'hello' },
    { id: 'call', wait: '1 day', channel: 'call', template: 'first-call' },
    { id: 'again', wait: '2 days', channel: 'email', template: 'hello' },
  ],
});

export const CART = cadence({
  id: 'cart',
  exitOn: ['conversion'],
  sendWindow: EVERY_DAY,
  steps: [
    { id: 'saved', wait: '1 hour', channel: 'email', template: 'hello' },
    { id: 'still-there', wait: '1 day', channel: 'email', template: 'hello' },
  ],
});

export interface Dynamo {
  readonly client: DynamoDBDocumentClient;
  /** Requests sent, by command name (GetItemCommand, QueryCommand, ...). */
  readonly requests: Map<string, number>;
  close(): Promise<void>;
}

/** A fresh in-memory DynamoDB with the single table, counting every request its client sends. */
export async function startDynamo(): Promise<Dynamo> {
  const server: Server = dynalite({ createTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await createFollowupTable(raw, TABLE);
  const requests = new Map<string, number>();
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String((context as { commandName?: string }).commandName);
      requests.set(name, (requests.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return {
    client: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    requests,
    async close() {
      raw.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Metrics as the sink received them: name → total, and TouchesSent by channel. */
export class RecordingMetrics implements MetricSink {
  readonly totals = new Map<MetricName, number>();
  readonly byChannel = new Map<string, number>();
  add(name: MetricName, value: number, dimensions: Readonly<Record<string, string>> = {}) {
    this.totals.set(name, (this.totals.get(name) ?? 0) + value);
    if (dimensions.channel)
      this.byChannel.set(dimensions.channel, (this.byChannel.get(dimensions.channel) ?? 0) + value);
  }
}

const noExecutions: Executions = {
  start: async () => ({ alreadyExisted: false }),
  stop: async () => {},
};

export interface Engine {
  readonly store: LeadStore;
  readonly aggregates: Aggregates;
  readonly metrics: RecordingMetrics;
  readonly touchDeps: TouchDeps;
  readonly signalDeps: SignalDeps;
}

/** The engine on DynamoDB: the lead store and the aggregates Lambda uses. */
export const engine = (client: DynamoDBDocumentClient): Engine =>
  engineWith(
    new DynamoLeadStore({ client, tableName: TABLE }),
    new DynamoAggregates({ client, tableName: TABLE }),
  );

export function engineWith(store: LeadStore, aggregates: Aggregates): Engine {
  const metrics = new RecordingMetrics();
  const cadences = new StaticCadenceCatalog([FOLLOW_UP, CART]);
  let sent = 0;
  const touchDeps: TouchDeps = {
    store,
    mailer: { send: async () => ({ messageId: `ses-${++sent}` }) },
    sms: { send: async () => ({ messageId: `sns-${++sent}` }) },
    cadences,
    templates,
    signingKey: async () => 'metrics-test-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH',
    settings: {
      unsubscribeBaseUrl: 'https://api.northwind.example/u/',
      replyDomain: 'reply.northwind.example',
      business: { name: 'Northwind Supply', postalAddress: '400 N Wells St, Chicago, IL 60654' },
      owner: { name: 'Sam Rivera', firstName: 'Sam', email: 'sam@northwind.example', signature: 'Sam' },
      frequencyCap: parseFrequencyCap('20 per 1 day') ?? { count: 20, days: 1 },
      defaultTimeZone: 'America/Chicago',
    },
    logger: silentLogger,
    aggregates,
    metrics,
  };
  const signalDeps: SignalDeps = {
    store,
    executions: noExecutions,
    cadences,
    defaultTimeZone: 'America/Chicago',
    logger: silentLogger,
    aggregates,
    metrics,
  };
  return { store, aggregates, metrics, touchDeps, signalDeps };
}

/** Enrolls a lead as intake does; returns its lead id and enrollment id. */
export async function enroll(e: Engine, profile: LeadProfile, cadenceId: string, at: Date) {
  const result = await enrollLead(e.signalDeps, { profile, cadenceId, source: 'intake' }, at);
  if (result.enrollment.status === 'not-enrolled') throw new Error(result.enrollment.reason);
  return { leadId: result.leadId, enrollmentId: result.enrollment.id };
}

/** The touch event Step Functions hands the touch function for a step of the enrollment. */
export function touchEvent(
  lead: { leadId: string; enrollmentId: string },
  cadenceId: string,
  stepIndex: number,
  channel: Channel = 'email',
): TouchEvent {
  const step = (cadenceId === CART.id ? CART : FOLLOW_UP).steps[stepIndex];
  return {
    leadId: lead.leadId,
    enrollmentId: lead.enrollmentId,
    cadenceId,
    stepIndex,
    stepId: step?.id ?? `step-${stepIndex}`,
    channel: step?.channel ?? channel,
    template: step?.template ?? 'hello',
    scheduledAt: '2026-03-04T16:00:00Z',
  };
}

/** A signal's own fields: what tells one kind from another. */
export type SignalFields = Signal extends infer S
  ? S extends Signal
    ? Omit<S, 'v' | 'leadId' | 'at' | 'source'>
    : never
  : never;

/** A signal about the lead, as a handler builds it. */
export const signalOf = (leadId: string, fields: SignalFields, at: Date): Signal =>
  ({ v: 1, leadId, at: at.toISOString(), source: 'test', ...fields }) as Signal;
