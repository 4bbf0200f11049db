import { AsyncLocalStorage } from 'node:async_hooks';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadCadencesSync } from '../functions/adapters/cadence-files.ts';
import { DynamoAggregates } from '../functions/adapters/dynamo-aggregates.ts';
import { type Cadence, CHANNELS, type Channel } from '../functions/core/cadence-schema.ts';
import { UsageError, UserError } from '../functions/core/errors.ts';
import { executionName } from '../functions/core/execution-input.ts';
import { type AggregateRow, buildReport, type Report } from '../functions/core/report.ts';
import type { CartVariables } from '../functions/core/templates.ts';
import { leadIdFor } from '../functions/domain/lead.ts';
import { CART_CADENCE, type ShopResult } from '../functions/domain/shop.ts';
import { documentClient, sesClient, snsClient } from '../functions/runtime/clients.ts';
import { httpEvent } from './api-event.ts';
import type { Clock } from './clock.ts';
import { type Item, itemsOfLead } from './queries.ts';
import { ROOT, type Runtime, startRuntime } from './runtime.ts';
import { deliverSignal } from './signal-events.ts';
import { executionContext, type LocalFunction } from './step-functions.ts';

/*
 * `followup simulate` (docs/architecture.md §6): synthetic leads through the real compiled definition on the local
 * runtime, with a virtual clock; replies and won deals delivered through the real signal handlers; the counts AWS
 * bills for, their cost, and the report computed from what the run stored. Everything random comes from the seed, so
 * a seed always gives the same result, however the leads are split over worker threads.
 */

/**
 * us-east-1 list prices in USD, as published on the AWS pricing pages (aws.amazon.com/<service>/pricing) in 2025:
 * Step Functions Standard ($0.025 per 1,000 transitions, unchanged since 2016); Lambda arm64 ($0.20 per 1M
 * requests, $0.0000133334 per GB-second, since 2021-09); DynamoDB on-demand after the 2024-11-01 reduction
 * ($0.625 per million write and $0.125 per million read request units); SES outbound ($0.10 per 1,000); SNS SMS to
 * US numbers ≈ $0.00883 a text, carrier fees excluded.
 */
export const PRICES_USD = {
  stepFunctionsTransition: 0.000025,
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecondArm64: 0.0000133334,
  dynamodbWriteRequestUnit: 0.625 / 1_000_000,
  dynamodbReadRequestUnit: 0.125 / 1_000_000,
  sesEmail: 0.1 / 1_000,
  smsUs: 0.00883,
} as const;

/** What each Lambda invocation is assumed to use: the local runtime measures no memory or billed duration. */
export const LAMBDA_ASSUMPTION = { memoryMb: 512, durationMs: 100 } as const;

export const SIM_EMAIL_DOMAIN = 'sim.followup.test';

export interface SimulateOptions {
  readonly cadenceId: string;
  readonly leads: number;
  readonly seed?: number;
  /** Probability that a lead replies to a touch it was sent. Default 0.05. */
  readonly replyRate?: number;
  /** Probability that a reply becomes a won deal. Default 0.3. */
  readonly winRate?: number;
  /** Value of each won deal, USD. Default 1000. */
  readonly dealValue?: number;
  /** The first enrollment instant; leads arrive over the following week. Default: the next Monday 09:00 UTC. */
  readonly start?: Date;
  /** Leads in flight at once, per worker. Default 16. */
  readonly concurrency?: number;
  /** Worker threads, each with a runtime of its own; default: one per 100 leads, at most one per core. */
  readonly workers?: number;
  /** Called each time a lead has finished: every one of its executions has ended. */
  readonly onProgress?: (progress: { readonly finished: number; readonly total: number }) => void;
  /** The project folder (cadences/, templates/, followup.config.json). */
  readonly root?: string;
}

export interface ResponseByTouch {
  /** The lead's n-th sent touch, across the cadence and what follows it. */
  readonly touch: number;
  readonly sent: number;
  /** Replies whose last touch before them was this one. */
  readonly replies: number;
  readonly responseRate: number;
}

export interface SimulationReport {
  readonly byTouch: readonly ResponseByTouch[];
  readonly replies: number;
  readonly won: number;
  /** Leads won after their 2nd or later touch, over leads that got at least 2 touches; null when none did. */
  readonly conversionRate: number | null;
  /** Mean number of touches a won lead had received when it replied; null when no lead was won. */
  readonly avgTouchesToClose: number | null;
  /** Value of deals won after the 2nd or later touch. */
  readonly revenueRecovered: number;
}

export interface CostBreakdown {
  readonly stepFunctions: number;
  readonly lambdaRequests: number;
  readonly lambdaCompute: number;
  readonly dynamodbWrites: number;
  readonly dynamodbReads: number;
  readonly sesEmails: number;
  readonly sms: number;
}

export interface Usage {
  readonly transitions: number;
  readonly lambdaInvocations: number;
  readonly dynamodb: { readonly reads: number; readonly writes: number };
  readonly emails: number;
  readonly texts: number;
}

export interface SimulationResult extends Usage {
  readonly cadence: string;
  /** The cadence run once after it ends (its `then`), if any. */
  readonly then: string | null;
  readonly seed: number;
  readonly replyRate: number;
  readonly winRate: number;
  readonly dealValue: number;
  readonly start: string;
  readonly leads: number;
  /** Touches sent. */
  readonly touches: number;
  readonly byChannel: Readonly<Record<Channel, number>>;
  readonly skipped: { readonly total: number; readonly byReason: Readonly<Record<string, number>> };
  readonly failedTouches: number;
  readonly lambda: {
    readonly intake: number;
    readonly touch: number;
    readonly complete: number;
    /** The inbound-email and outcome handlers, for replies and won deals. */
    readonly signals: number;
  };
  readonly executions: {
    readonly started: number;
    readonly done: number;
    readonly exited: number;
    readonly failed: number;
    readonly aborted: number;
  };
  /** The first failed execution's error, if any. */
  readonly firstFailure?: { readonly error?: string; readonly cause?: string };
  readonly costUsd: number;
  readonly costPer1000Leads: number;
  readonly costBreakdown: CostBreakdown;
  readonly report: Report;
  /** Whether the aggregates agree with a recount of the stored touches (they must; false is a bug to report). */
  readonly reportMatchesStoredTouches: boolean;
}

// ——— randomness ———

/** mulberry32: a small, fast, seedable PRNG; uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A 32-bit FNV-1a hash: independent streams per key, whatever order the leads' executions run in. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const streamFor = (seed: number, key: string) => mulberry32(hash32(`${seed}:${key}`));
const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)] as T;

// ——— synthetic leads ———

const FIRST_NAMES = 'Avery Jordan Riley Casey Morgan Harper Quinn Rowan Sasha Noa'.split(' ');
const LAST_NAMES = 'Lee Patel Garcia Nguyen Okafor Schmidt Dubois Rossi Kim Brown'.split(' ');
const COMPANIES = 'Northwind Contoso Fabrikam Tailspin Wingtip Litware Proseware Adatum'.split(' ');
const COMPANY_KINDS = 'Traders Labs Studio Logistics Dental Builders'.split(' ');
const INTERESTS = ['pricing', 'a demo', 'onboarding', 'an integration', 'a quote'];

/** Zones leads come from, with a fictional but valid number prefix (US 555-01xx, UK Ofcom drama, DE, FR). */
const ZONES: readonly { readonly zone: string; readonly phonePrefix: string }[] = [
  { zone: 'America/New_York', phonePrefix: '+121255501' },
  { zone: 'America/Chicago', phonePrefix: '+131255501' },
  { zone: 'America/Denver', phonePrefix: '+130355501' },
  { zone: 'America/Los_Angeles', phonePrefix: '+141555501' },
  { zone: 'Europe/London', phonePrefix: '+4420794601' },
  { zone: 'Europe/Berlin', phonePrefix: '+4930123456' },
  { zone: 'Europe/Paris', phonePrefix: '+331426853' },
];
const PRODUCTS = [
  { name: 'Cedar planter box', price: 49 },
  { name: 'Drip irrigation kit', price: 34.5 },
  { name: 'Garden kneeler', price: 19 },
  { name: 'Pruning shears', price: 27 },
];
const PHONE_SHARE = 0.6;
const CONSENT_WORDING = 'Text me about my inquiry. Msg & data rates may apply. Reply STOP to opt out.';
const WEEK_MINUTES = 7 * 24 * 60;

export interface SyntheticLead {
  readonly index: number;
  readonly leadId: string;
  readonly enrolledAt: Date;
  /** The signup, as the form would post it. */
  readonly body: Readonly<Record<string, string>>;
  /** What the shop's cart.abandoned event carries, for cadences whose templates show the cart. */
  readonly cart: CartVariables;
}

/** N leads from the seed: contact details, a zone, a phone and SMS consent for ~60%, an instant in the week. */
export function syntheticLeads(count: number, seed: number, start: Date, cadenceId: string): SyntheticLead[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, index) => {
    const first = pick(FIRST_NAMES, random);
    const last = pick(LAST_NAMES, random);
    const { zone, phonePrefix } = pick(ZONES, random);
    const hasPhone = random() < PHONE_SHARE;
    const email = `lead-${index}@${SIM_EMAIL_DOMAIN}`;
    const enrolledAt = new Date(start.getTime() + Math.floor(random() * WEEK_MINUTES) * 60_000);
    const body: Record<string, string> = {
      email,
      name: `${first} ${last}`,
      company: `${pick(COMPANIES, random)} ${pick(COMPANY_KINDS, random)}`,
      interest: pick(INTERESTS, random),
      timezone: zone,
      cadence: cadenceId,
      source: 'followup simulate',
    };
    if (hasPhone) {
      Object.assign(body, {
        phone: `${phonePrefix}${String(index % 100).padStart(2, '0')}`,
        smsConsent: 'on',
        consentText: CONSENT_WORDING,
      });
    }
    const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
      ...pick(PRODUCTS, random),
      quantity: 1 + Math.floor(random() * 2),
    }));
    const cart: CartVariables = {
      url: `https://shop.${SIM_EMAIL_DOMAIN}/cart/${index}`,
      items,
      total: items.reduce((sum, item) => sum + item.price * item.quantity, 0),
      currency: 'USD',
    };
    return { index, leadId: leadIdFor(email), enrolledAt, body, cart };
  });
}

/** The first Monday 09:00 UTC after `now`: a default start that gives every run the same kind of week. */
export function nextMonday(now: Date): Date {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 9));
  const ahead = (8 - day.getUTCDay()) % 7;
  day.setUTCDate(day.getUTCDate() + ahead);
  if (day <= now) day.setUTCDate(day.getUTCDate() + 7);
  return day;
}

// ——— the virtual clock ———

/**
 * Time that never waits: an execution's sleep returns at once, a handler's "now" is its touch's due instant, and a
 * signup's or a signal's "now" is the instant it happens (`at`). Anything else sees the simulation's start.
 */
export class VirtualClock implements Clock {
  private readonly ambient = new AsyncLocalStorage<Date>();

  constructor(private readonly origin: Date) {}

  now(): Date {
    return executionContext.getStore()?.now ?? this.ambient.getStore() ?? this.origin;
  }

  async sleepUntil(_at: Date, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
  }

  /** Runs `fn` with "now" at `instant`. */
  at<T>(instant: Date, fn: () => T): T {
    return this.ambient.run(instant, fn);
  }
}

// ——— counting what AWS bills ———

const DYNAMO_READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const DYNAMO_WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
]);

interface Counts {
  reads: number;
  writes: number;
  emails: number;
  texts: number;
}

type Stack = {
  add(
    middleware: (
      next: (args: { input?: unknown }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input?: unknown }) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
  remove(name: string): boolean;
};

const COUNTER = 'followupSimulateCounter';

/**
 * The report's month index (partition "AGG"): written once per function instance and month, not per lead. Left
 * out of the counts, which would otherwise depend on how many runtimes ran and how their requests interleaved.
 */
function isPerInstanceWrite(input: unknown): boolean {
  const pk = (input as { Item?: { pk?: unknown } } | undefined)?.Item?.pk;
  return pk === 'AGG' || (pk as { S?: unknown } | undefined)?.S === 'AGG';
}

/** What a request counts as, and whether it counts when sent (billed even if it fails) or once accepted. */
type Tally = { readonly counter: keyof Counts; readonly when: 'sent' | 'accepted' } | undefined;

function dynamoTally(command: string, input: unknown): Tally {
  if (DYNAMO_READS.has(command)) return { counter: 'reads', when: 'sent' };
  // A failed conditional write is billed too.
  if (DYNAMO_WRITES.has(command) && !isPerInstanceWrite(input)) return { counter: 'writes', when: 'sent' };
  return undefined;
}

/**
 * Counts requests on the clients the handlers use, as request units: the items are far under 1 KB written and
 * 4 KB read. Returns the function that stops counting.
 */
function countRequests(counts: Counts): () => void {
  const stacks: Stack[] = [];
  const count = (client: { middlewareStack: unknown }, tally: (command: string, input: unknown) => Tally) => {
    const stack = client.middlewareStack as Stack;
    stack.add(
      (next, context) => async (args) => {
        const what = tally(context.commandName ?? '', args.input);
        if (what?.when === 'sent') counts[what.counter]++;
        const result = await next(args);
        if (what?.when === 'accepted') counts[what.counter]++;
        return result;
      },
      { step: 'initialize', name: COUNTER },
    );
    stacks.push(stack);
  };
  count(documentClient(), dynamoTally);
  count(sesClient(), (c) => (c === 'SendEmailCommand' ? { counter: 'emails', when: 'accepted' } : undefined));
  count(snsClient(), (c) => (c === 'PublishCommand' ? { counter: 'texts', when: 'accepted' } : undefined));
  return () => {
    for (const stack of stacks) stack.remove(COUNTER);
  };
}

// ——— cost ———

const round6 = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** The bill for `usage` at PRICES_USD, in USD rounded to millionths. */
export function costOf(usage: Usage): { breakdown: CostBreakdown; total: number } {
  const gbSeconds =
    usage.lambdaInvocations * (LAMBDA_ASSUMPTION.memoryMb / 1024) * (LAMBDA_ASSUMPTION.durationMs / 1000);
  const raw = {
    stepFunctions: usage.transitions * PRICES_USD.stepFunctionsTransition,
    lambdaRequests: usage.lambdaInvocations * PRICES_USD.lambdaRequest,
    lambdaCompute: gbSeconds * PRICES_USD.lambdaGbSecondArm64,
    dynamodbWrites: usage.dynamodb.writes * PRICES_USD.dynamodbWriteRequestUnit,
    dynamodbReads: usage.dynamodb.reads * PRICES_USD.dynamodbReadRequestUnit,
    sesEmails: usage.emails * PRICES_USD.sesEmail,
    sms: usage.texts * PRICES_USD.smsUs,
  };
  const total = Object.values(raw).reduce((sum, usd) => sum + usd, 0);
  const breakdown = Object.fromEntries(
    Object.entries(raw).map(([key, usd]) => [key, round6(usd)]),
  ) as unknown as CostBreakdown;
  return { breakdown, total: round6(total) };
}

// ——— the report ———

export interface LeadHistory {
  readonly touches: readonly {
    readonly at: string;
    readonly channel: Channel;
    readonly status: string;
    readonly reason?: string;
  }[];
  /** Status changes to `replied`. */
  readonly replies: readonly { readonly at: string }[];
  /** Status changes to `won`, with the deal's value. */
  readonly wins: readonly { readonly at: string; readonly value: number }[];
}

/** Reads one lead's touches, its status changes to replied and won, and its deal, from its partition's items. */
export function leadHistory(items: readonly Item[]): LeadHistory {
  const sk = (item: Item) => String(item.sk ?? '');
  const lead = items.find((i) => sk(i) === 'LEAD');
  const touches = items
    .filter((i) => sk(i).startsWith('TOUCH#'))
    .map((t) => ({
      at: String(t.at),
      channel: t.channel as Channel,
      status: String(t.status),
      ...(t.reason ? { reason: String(t.reason) } : {}),
    }));
  const statusEvents = items.filter((i) => sk(i).startsWith('EVENT#') && i.kind === 'status');
  return {
    touches,
    replies: statusEvents.filter((e) => e.to === 'replied').map((e) => ({ at: String(e.at) })),
    wins: statusEvents
      .filter((e) => e.to === 'won')
      .map((e) => ({ at: String(e.at), value: Number(lead?.dealValue ?? 0) })),
  };
}

/**
 * Response rate by touch number (a reply counts for the last touch sent before it), conversion from follow-up,
 * average touches to close and revenue recovered (deals won after the 2nd or later touch).
 */
/** The figures both reports have, compared: per touch sent and replies, replies, wins, conversion, revenue. */
function sameFigures(a: Report, b: SimulationReport): boolean {
  const pick = (r: Report | SimulationReport) => ({
    byTouch: r.byTouch.map((t) => [t.touch, t.sent, t.replies]),
    replies: r.replies,
    won: r.won,
    conversionRate: r.conversionRate,
    avgTouchesToClose: r.avgTouchesToClose,
    revenueRecovered: r.revenueRecovered,
  });
  return JSON.stringify(pick(a)) === JSON.stringify(pick(b));
}

export function simulationReport(histories: readonly LeadHistory[]): SimulationReport {
  const sent = new Map<number, number>();
  const replied = new Map<number, number>();
  let replies = 0;
  let won = 0;
  let withTwo = 0;
  let wonAfterTwo = 0;
  let touchesToClose = 0;
  let revenueRecovered = 0;
  for (const history of histories) {
    // Instants as numbers: the handlers do not all spell them alike ("…:00Z", "…:00.000Z").
    const sentAt = history.touches
      .filter((t) => t.status === 'sent')
      .map((t) => Date.parse(t.at))
      .sort((a, b) => a - b);
    sentAt.forEach((_, i) => {
      sent.set(i + 1, (sent.get(i + 1) ?? 0) + 1);
    });
    if (sentAt.length >= 2) withTwo++;
    const touchNumber = (at: number) => sentAt.filter((s) => s <= at).length;
    const replyTouches = history.replies
      .map((r) => Date.parse(r.at))
      .sort((a, b) => a - b)
      .map((at) => ({ at, touch: touchNumber(at) }));
    for (const { touch } of replyTouches) {
      replies++;
      replied.set(touch, (replied.get(touch) ?? 0) + 1);
    }
    for (const win of history.wins) {
      // A win closes the reply before it: the touches it took are those before that reply.
      const wonAt = Date.parse(win.at);
      const touch = replyTouches.filter((r) => r.at <= wonAt).at(-1)?.touch ?? touchNumber(wonAt);
      won++;
      touchesToClose += touch;
      if (touch >= 2) {
        wonAfterTwo++;
        revenueRecovered += win.value;
      }
    }
  }
  const byTouch = [...sent.entries()]
    .sort(([a], [b]) => a - b)
    .map(([touch, count]) => {
      const r = replied.get(touch) ?? 0;
      return { touch, sent: count, replies: r, responseRate: r / count };
    });
  return {
    byTouch,
    replies,
    won,
    conversionRate: withTwo === 0 ? null : wonAfterTwo / withTwo,
    avgTouchesToClose: won === 0 ? null : touchesToClose / won,
    revenueRecovered,
  };
}

// ——— the run ———

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Checks the options a person typed; throws UsageError with one line saying what to pass instead. */
export function checkOptions(options: SimulateOptions, cadenceIds: readonly string[]): void {
  const { leads, seed, replyRate, winRate, dealValue, start, concurrency } = options;
  if (!cadenceIds.includes(options.cadenceId)) {
    throw new UsageError(`unknown cadence "${options.cadenceId}"; choose one of: ${cadenceIds.join(', ')}`);
  }
  if (!Number.isSafeInteger(leads) || leads < 1) {
    throw new UsageError(`--leads must be a positive whole number, e.g. --leads 1000 (got ${leads})`);
  }
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new UsageError(`--seed must be a whole number from 0 to 4294967295 (got ${seed})`);
  }
  for (const [flag, value, example] of [
    ['--reply-rate', replyRate, 0.05],
    ['--win-rate', winRate, 0.3],
  ] as const) {
    if (value !== undefined && !(value >= 0 && value <= 1)) {
      throw new UsageError(
        `${flag} must be a probability from 0 to 1, e.g. ${flag} ${example} (got ${value})`,
      );
    }
  }
  if (dealValue !== undefined && !(dealValue >= 0 && Number.isFinite(dealValue))) {
    throw new UsageError(
      `--deal-value must be a non-negative amount in USD, e.g. --deal-value 1000 (got ${dealValue})`,
    );
  }
  if (start !== undefined && Number.isNaN(start.getTime())) {
    throw new UsageError('--start must be an ISO 8601 instant, e.g. --start 2026-07-06T09:00:00Z');
  }
  for (const [name, value] of [
    ['concurrency', concurrency],
    ['workers', options.workers],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
      throw new UsageError(`${name} must be a positive whole number (got ${value})`);
    }
  }
}

/** A signup as API Gateway (HTTP API, payload 2.0) hands it to the intake function. */
function signupEvent(body: Readonly<Record<string, string>>): unknown {
  return {
    version: '2.0',
    routeKey: 'POST /leads',
    rawPath: '/leads',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      http: { method: 'POST', path: '/leads', sourceIp: '127.0.0.1', userAgent: 'followup simulate' },
    },
  };
}

/** A shop's cart.abandoned, as it arrives from the stack's event bus. */
function cartAbandonedEvent(lead: SyntheticLead): unknown {
  const { email, name } = lead.body;
  return {
    version: '0',
    id: `sim-cart-${lead.index}`,
    'detail-type': 'cart.abandoned',
    source: 'shop',
    time: lead.enrolledAt.toISOString(),
    region: 'local',
    resources: [],
    detail: {
      email,
      name,
      cartId: `sim-cart-${lead.index}`,
      cartUrl: lead.cart.url,
      items: lead.cart.items,
      total: lead.cart.total,
      currency: lead.cart.currency,
    },
  };
}

interface TouchPayload {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly stepIndex: number;
  readonly scheduledAt: string;
  readonly nextAt?: string;
}

/** One shard's work: leads [from, to) of the seed's list, on a runtime of its own. */
interface ShardInput {
  readonly root: string;
  readonly cadenceId: string;
  readonly leads: number;
  readonly from: number;
  readonly to: number;
  readonly seed: number;
  readonly replyRate: number;
  readonly winRate: number;
  readonly dealValue: number;
  readonly start: string;
  readonly concurrency: number;
}

/** What a shard counted and stored; shards add up, because every lead's run is independent of the others'. */
interface ShardOutput {
  readonly transitions: number;
  readonly sfnInvocations: number;
  readonly counts: Counts;
  readonly lambda: { intake: number; touch: number; complete: number; signals: number };
  readonly executions: { started: number; done: number; exited: number; failed: number; aborted: number };
  readonly firstFailure?: { readonly error?: string; readonly cause?: string };
  readonly histories: LeadHistory[];
  /** The report's counters as production keeps them (functions/domain/metrics.ts), read before the runtime stops. */
  readonly aggregates: AggregateRow[];
}

/**
 * Runs leads [from, to) on a fresh in-memory runtime: enrolls them as production would, lets their executions run on
 * the virtual clock with replies and wins delivered between touches, and reads back what was stored.
 */
async function runShard(input: ShardInput, onFinished?: (finished: number) => void): Promise<ShardOutput> {
  const { root, seed, replyRate, winRate, dealValue } = input;
  const start = new Date(input.start);
  const cadences = loadCadencesSync(join(root, 'cadences'));
  const cadence = cadences.find((c) => c.id === input.cadenceId);
  if (!cadence) throw new UsageError(`unknown cadence "${input.cadenceId}"`);
  const leads = syntheticLeads(input.leads, seed, start, cadence.id).slice(input.from, input.to);
  const firstEnrollments = new Set(leads.map((l) => executionName(l.leadId, cadence.id, l.enrolledAt)));

  const clock = new VirtualClock(start);
  let runtime: Runtime | undefined;
  let uncount = () => {};
  let poll: NodeJS.Timeout | undefined;
  try {
    // The engine's JSON logs would drown the summary and spoil `--json`; failures are reported in the result.
    runtime = await startRuntime({ port: 0, clock, dataDir: undefined, root, logLevel: 'SILENT' });
    const rt = runtime;
    const counts: Counts = { reads: 0, writes: 0, emails: 0, texts: 0 };
    uncount = countRequests(counts);
    const lambda = { intake: 0, touch: 0, complete: 0, signals: 0 };

    const functions = rt.functions as Map<string, LocalFunction>;
    const touch = functions.get('touch') as LocalFunction;
    const complete = functions.get('complete') as LocalFunction;
    // A reply stops the execution it answers while the touch is still returning: the lead is busy until the
    // reply's handlers are done, and their failures are kept, since the stopped execution drops them.
    const answering = new Map<string, number>();
    const answerFailures: Error[] = [];
    functions.set('touch', async (payload) => {
      lambda.touch++;
      const result = (await touch(payload)) as { status?: string } | undefined;
      if (result?.status !== 'sent') return result;
      const { leadId } = payload as TouchPayload;
      answering.set(leadId, (answering.get(leadId) ?? 0) + 1);
      try {
        await answer(payload as TouchPayload);
      } catch (error) {
        answerFailures.push(error as Error);
        throw error;
      } finally {
        answering.set(leadId, (answering.get(leadId) ?? 1) - 1);
      }
      return result;
    });
    // The chain stops after one run of `then`: a nurture cadence chains to itself for ever.
    functions.set('complete', async (payload) => {
      lambda.complete++;
      const p = payload as { enrollmentId: string };
      return complete(firstEnrollments.has(p.enrollmentId) ? p : { ...p, then: null });
    });

    /** Runs a signal's handler as AWS would deliver it at `instant`: from outside any execution. */
    const signalAt = <T>(instant: Date, deliver: () => Promise<T>): Promise<T> => {
      lambda.signals++;
      return executionContext.exit(() => clock.at(instant, deliver));
    };

    /**
     * The lead's answer to a touch it was sent: maybe a reply, hours later but before the next touch, through the
     * inbound-email handler (which writes the status, stops the execution and forwards the reply to the owner);
     * maybe, days later, the rep's outcome "won" with the deal's value.
     */
    async function answer(touch: TouchPayload): Promise<void> {
      // Drawn in a fixed order from a stream of this touch's own: the result does not depend on scheduling.
      const random = streamFor(seed, `${touch.enrollmentId}#${touch.stepIndex}`);
      const replies = random() < replyRate;
      const delay = HOUR + random() * 5 * HOUR;
      const wins = random() < winRate;
      const closeDelay = DAY + random() * 13 * DAY;
      if (!replies) return;
      const sentAt = Date.parse(touch.scheduledAt);
      const before = touch.nextAt ? Date.parse(touch.nextAt) - 60_000 : Number.POSITIVE_INFINITY;
      const repliedAt = new Date(Math.max(sentAt + 60_000, Math.min(sentAt + delay, before)));
      const { status } = await signalAt(repliedAt, () => deliverSignal(rt, touch.leadId, { type: 'reply' }));
      if (status !== 'replied' || !wins) return;
      const path = `/leads/${touch.leadId}/outcome`;
      const outcome = {
        body: JSON.stringify({ result: 'won', value: dealValue, currency: 'USD' }),
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        pathParameters: { id: touch.leadId },
        routeKey: 'POST /leads/{id}/outcome',
      };
      const won = (await signalAt(new Date(repliedAt.getTime() + closeDelay), () =>
        rt.signals.outcome(httpEvent('POST', path, outcome)),
      )) as { statusCode?: number; body?: string };
      if ((won.statusCode ?? 500) >= 300) {
        throw new Error(
          `the outcome "won" of ${touch.leadId} was refused: ${won.statusCode} ${won.body ?? ''}`,
        );
      }
    }

    // A lead has finished when none of its executions is still running: a poll resolves the leads waited for.
    const leadOf = new Map<string, string>();
    const waiting = new Map<string, () => void>();
    poll = setInterval(() => {
      if (waiting.size === 0) return;
      const running = new Set([...answering].filter(([, n]) => n > 0).map(([leadId]) => leadId));
      for (const record of rt.sfn.list()) {
        if (record.status !== 'RUNNING') continue;
        let leadId = leadOf.get(record.executionArn);
        if (!leadId) {
          leadId = (JSON.parse(record.input) as { leadId: string }).leadId;
          leadOf.set(record.executionArn, leadId);
        }
        running.add(leadId);
      }
      for (const [leadId, wake] of waiting) {
        if (running.has(leadId)) continue;
        waiting.delete(leadId);
        wake();
      }
    }, SETTLE_POLL_MS);
    const settled = (leadId: string) => new Promise<void>((resolve) => waiting.set(leadId, resolve));

    // Form leads are posted to the intake function as API Gateway hands it POST /leads; the cart cadence's leads
    // come as the shop's cart.abandoned events, with the cart its templates show.
    const enroll = async (lead: SyntheticLead): Promise<string | undefined> => {
      lambda.intake++;
      if (cadence.id === CART_CADENCE) {
        const result = (await clock.at(lead.enrolledAt, () =>
          rt.signals.shopEvents(cartAbandonedEvent(lead)),
        )) as ShopResult;
        return result.type === 'cart.abandoned' && result.enrollment.status === 'started'
          ? undefined
          : JSON.stringify(result);
      }
      const response = await clock.at(lead.enrolledAt, () => rt.intake(signupEvent(lead.body)));
      return response.statusCode === 202 ? undefined : `${response.statusCode} ${response.body ?? ''}`;
    };
    // A bounded number of leads in flight: each runs its whole chain before the next is enrolled, so leads finish
    // at a steady rate (the progress bar means something) and memory stays flat.
    const refused: string[] = [];
    let next = 0;
    let finished = 0;
    const worker = async () => {
      while (next < leads.length) {
        const lead = leads[next++] as SyntheticLead;
        const problem = await enroll(lead);
        if (problem) refused.push(problem);
        else await settled(lead.leadId);
        onFinished?.(++finished);
      }
    };
    await Promise.all(Array.from({ length: Math.min(input.concurrency, leads.length) }, worker));
    if (refused.length > 0) {
      throw new Error(`${refused.length} synthetic signups were refused, e.g. ${refused[0]}`);
    }
    await rt.sfn.idle();
    const failure = answerFailures[0];
    if (failure) throw new Error(`a simulated reply or outcome failed: ${failure.name}: ${failure.message}`);

    const records = rt.sfn.list();
    const failed = records.filter((r) => r.status === 'FAILED');
    const ended = (state: 'Exited' | 'other') =>
      records.filter(
        (r) => r.status === 'SUCCEEDED' && (r.currentState === 'Exited') === (state === 'Exited'),
      ).length;
    const first = failed[0];

    // What the run stored, read back lead by lead, outside the counts (production's report reads aggregates).
    const histories: LeadHistory[] = [];
    for (let i = 0; i < leads.length; i += READ_BATCH) {
      const batch = leads.slice(i, i + READ_BATCH);
      histories.push(
        ...(await Promise.all(
          batch.map(async (l) => leadHistory(await itemsOfLead(rt.ddb, rt.tableName, l.leadId))),
        )),
      );
    }
    return {
      transitions: rt.sfn.counters.transitions,
      sfnInvocations: rt.sfn.counters.lambdaInvocations,
      counts: { ...counts },
      lambda,
      executions: {
        started: records.length,
        done: ended('other'),
        exited: ended('Exited'),
        failed: failed.length,
        aborted: records.filter((r) => r.status === 'ABORTED').length,
      },
      ...(first ? { firstFailure: { error: first.error, cause: first.cause } } : {}),
      histories,
      // rt.ddb is not the counted client: reading the report costs the simulated engine nothing.
      aggregates: await new DynamoAggregates({ client: rt.ddb, tableName: rt.tableName }).read(),
    };
  } finally {
    if (poll) clearInterval(poll);
    uncount();
    await runtime?.stop();
  }
}

const READ_BATCH = 16;
const SETTLE_POLL_MS = 20;
/** Below this many leads a shard costs more to start (a runtime of its own, ~2 s) than it saves. */
const LEADS_PER_WORKER = 100;
const SHARD_MESSAGE = 'followup-simulate-shard';

/** Shards on as many cores as the run is worth; one runs in this thread. */
export function defaultWorkers(leads: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(leads / LEADS_PER_WORKER)));
}

type ShardMessage =
  | { readonly kind: 'finished'; readonly finished: number }
  | { readonly kind: 'done'; readonly output: ShardOutput }
  | { readonly kind: 'failed'; readonly name: string; readonly message: string; readonly user: boolean };

/** Runs a shard on a worker thread of its own (the runtime sets process.env, which each worker has its own copy of). */
function runShardInWorker(
  input: ShardInput,
  onFinished: (finished: number) => void,
): { readonly output: Promise<ShardOutput>; readonly stop: () => Promise<number> } {
  // The worker loads this TypeScript module through tsx, whatever started this process (tsx, vitest, node).
  const entry = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
register();
await import(${JSON.stringify(import.meta.url)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`), {
    workerData: { [SHARD_MESSAGE]: input },
    // The engine's logs are off; anything else a worker prints must not reach `--json` output.
    stdout: true,
  });
  worker.stdout.resume();
  const output = new Promise<ShardOutput>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: ShardMessage) => {
      if (message.kind === 'finished') onFinished(message.finished);
      else if (message.kind === 'done') {
        settled = true;
        resolve(message.output);
        void worker.terminate();
      } else {
        settled = true;
        // A class does not cross a thread: a person's mistake is rebuilt as one, so the CLI prints it as one line.
        const error = message.user ? new UserError(message.message) : new Error(message.message);
        reject(Object.assign(error, { name: message.name }));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`a simulation worker stopped with exit code ${code}`));
    });
  });
  return { output, stop: () => worker.terminate() };
}

/** Every shard's output; when one fails, the others are stopped rather than left running. */
async function runShardsInWorkers(
  inputs: readonly ShardInput[],
  onFinished: (shard: number) => (finished: number) => void,
): Promise<ShardOutput[]> {
  const runs = inputs.map((input, i) => runShardInWorker(input, onFinished(i)));
  try {
    return await Promise.all(runs.map((run) => run.output));
  } catch (error) {
    await Promise.all(runs.map((run) => run.stop()));
    throw error;
  }
}

const shard = isMainThread ? undefined : (workerData as Record<string, ShardInput> | null)?.[SHARD_MESSAGE];
if (shard && parentPort) {
  const port = parentPort;
  runShard(shard, (finished) => port.postMessage({ kind: 'finished', finished } satisfies ShardMessage)).then(
    (output) => port.postMessage({ kind: 'done', output } satisfies ShardMessage),
    (error: Error) =>
      port.postMessage({
        kind: 'failed',
        name: error.name,
        message: error.message,
        user: error instanceof UserError,
      } satisfies ShardMessage),
  );
}

/**
 * Runs `options.leads` synthetic leads through the cadence on fresh in-memory local runtimes and reports what
 * happened and what it would cost. The cadence's `then` runs once after it; a chain does not go on from there.
 * Large runs are split over worker threads; the result is the same however they are split.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const root = options.root ?? ROOT;
  const cadences = loadCadencesSync(join(root, 'cadences'));
  checkOptions(
    options,
    cadences.map((c) => c.id),
  );
  const cadence = cadences.find((c) => c.id === options.cadenceId) as Cadence;
  const seed = options.seed ?? 1;
  const replyRate = options.replyRate ?? 0.05;
  const winRate = options.winRate ?? 0.3;
  const dealValue = options.dealValue ?? 1000;
  const start = options.start ?? nextMonday(new Date());
  const workers = Math.min(options.workers ?? defaultWorkers(options.leads), options.leads);

  const base = {
    root,
    cadenceId: cadence.id,
    leads: options.leads,
    seed,
    replyRate,
    winRate,
    dealValue,
    start: start.toISOString(),
    concurrency: options.concurrency ?? 16,
  };
  const bounds = Array.from({ length: workers }, (_, i) => ({
    from: Math.floor((options.leads * i) / workers),
    to: Math.floor((options.leads * (i + 1)) / workers),
  }));
  const finished = bounds.map(() => 0);
  const progressOf = (i: number) => (n: number) => {
    finished[i] = n;
    options.onProgress?.({ finished: finished.reduce((a, b) => a + b, 0), total: options.leads });
  };
  const outputs =
    workers === 1
      ? [await runShard({ ...base, from: 0, to: options.leads }, progressOf(0))]
      : await runShardsInWorkers(
          bounds.map((b) => ({ ...base, ...b })),
          progressOf,
        );

  const histories = outputs.flatMap((o) => o.histories);
  const report = buildReport(outputs.flatMap((o) => o.aggregates));
  const sum = (of: (o: ShardOutput) => number) => outputs.reduce((total, o) => total + of(o), 0);
  const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;
  const byReason: Record<string, number> = {};
  let touches = 0;
  let skipped = 0;
  let failedTouches = 0;
  for (const t of histories.flatMap((h) => h.touches)) {
    if (t.status === 'sent') {
      touches++;
      byChannel[t.channel]++;
    } else if (t.status === 'skipped') {
      skipped++;
      const reason = t.reason ?? 'unknown';
      byReason[reason] = (byReason[reason] ?? 0) + 1;
    } else if (t.status === 'failed') failedTouches++;
  }
  const lambda = {
    intake: sum((o) => o.lambda.intake),
    touch: sum((o) => o.lambda.touch),
    complete: sum((o) => o.lambda.complete),
    signals: sum((o) => o.lambda.signals),
  };
  const usage: Usage = {
    transitions: sum((o) => o.transitions),
    // Intake and the signal handlers are Lambda functions too: one invocation per signup, reply and outcome.
    lambdaInvocations: lambda.intake + sum((o) => o.sfnInvocations) + lambda.signals,
    dynamodb: { reads: sum((o) => o.counts.reads), writes: sum((o) => o.counts.writes) },
    emails: sum((o) => o.counts.emails),
    texts: sum((o) => o.counts.texts),
  };
  const cost = costOf(usage);
  const firstFailure = outputs.find((o) => o.firstFailure)?.firstFailure;
  return {
    leads: options.leads,
    touches,
    byChannel,
    transitions: usage.transitions,
    lambdaInvocations: usage.lambdaInvocations,
    dynamodb: usage.dynamodb,
    costUsd: cost.total,
    // The report `followup report` prints, from the aggregates the engine kept while it ran, checked against the
    // same figures recounted from every stored touch and outcome.
    report,
    reportMatchesStoredTouches: sameFigures(report, simulationReport(histories)),
    cadence: cadence.id,
    then: cadence.then ?? null,
    seed,
    replyRate,
    winRate,
    dealValue,
    start: start.toISOString(),
    skipped: { total: skipped, byReason: sortKeys(byReason) },
    failedTouches,
    lambda,
    emails: usage.emails,
    texts: usage.texts,
    executions: {
      started: sum((o) => o.executions.started),
      done: sum((o) => o.executions.done),
      exited: sum((o) => o.executions.exited),
      failed: sum((o) => o.executions.failed),
      aborted: sum((o) => o.executions.aborted),
    },
    ...(firstFailure ? { firstFailure } : {}),
    costPer1000Leads: round6((cost.total / options.leads) * 1000),
    costBreakdown: cost.breakdown,
  };
}

const sortKeys = (record: Record<string, number>) =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
