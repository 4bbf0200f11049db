import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import { UsageError } from '../functions/adapters/cadence-files.ts';
import { DynamoLeadStore } from '../functions/adapters/dynamo-lead-store.ts';
import { type Cadence, CHANNELS, type Channel } from '../functions/core/cadence-schema.ts';
import { executionName } from '../functions/core/execution-input.ts';
import { loadTemplate } from '../functions/adapters/template-files.ts';
import { type CartVariables, templateVariables } from '../functions/core/templates.ts';
import { enrollLead } from '../functions/domain/enroll.ts';
import { type LeadProfile, leadIdFor } from '../functions/domain/lead.ts';
import type { LeadEvent } from '../functions/domain/ports.ts';
import { documentClient, sesClient, snsClient } from '../functions/runtime/clients.ts';
import { intakeDependencies } from '../functions/runtime/dependencies.ts';
import { loadCadencesSync } from '../lib/cadences.ts';
import type { Clock } from './clock.ts';
import { type Item, itemsOfLead } from './queries.ts';
import { ROOT, type Runtime, startRuntime } from './runtime.ts';
import { executionContext, type LocalFunction } from './step-functions.ts';

/*
 * `followup simulate` (DESIGN §3): synthetic leads through the real compiled definition on the local runtime, with a
 * virtual clock, a model of replies and wins, the counts AWS bills for, their cost, and the report computed from
 * what the run stored. Everything random comes from the seed, so a seed always gives the same result.
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
  /** Signups enrolled at once. Default 8. */
  readonly concurrency?: number;
  /** Called a few times a second with the leads whose executions have all ended. */
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
  readonly lambda: { readonly intake: number; readonly touch: number; readonly complete: number };
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
  readonly report: SimulationReport;
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

const FIRST_NAMES = [
  'Avery',
  'Jordan',
  'Riley',
  'Casey',
  'Morgan',
  'Harper',
  'Quinn',
  'Rowan',
  'Sasha',
  'Noa',
];
const LAST_NAMES = [
  'Lee',
  'Patel',
  'Garcia',
  'Nguyen',
  'Okafor',
  'Schmidt',
  'Dubois',
  'Rossi',
  'Kim',
  'Brown',
];
const COMPANIES = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Wingtip',
  'Litware',
  'Proseware',
  'Adatum',
];
const COMPANY_KINDS = ['Traders', 'Labs', 'Studio', 'Logistics', 'Dental', 'Builders'];
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
 * signup's "now" is the lead's enrollment instant (`at`). Anything else sees the simulation's start.
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
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
  remove(name: string): boolean;
};

const COUNTER = 'followupSimulateCounter';

/**
 * Counts requests on the clients the handlers use (request counts, taken as request units: the items are far
 * under 1 KB written and 4 KB read). A failed conditional write is billed too, so DynamoDB counts every request;
 * an email or a text counts once it was accepted.
 */
function countRequests(counts: Counts): () => void {
  const stacks: Stack[] = [];
  const add = (
    client: { middlewareStack: unknown },
    count: (command: string) => 'before' | 'after' | undefined,
  ) => {
    const stack = client.middlewareStack as Stack;
    stack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? '';
        const when = count(command);
        if (when === 'before') tally(command);
        const result = await next(args);
        if (when === 'after') tally(command);
        return result;
      },
      { step: 'initialize', name: COUNTER },
    );
    stacks.push(stack);
  };
  const tally = (command: string) => {
    if (DYNAMO_READS.has(command)) counts.reads++;
    else if (DYNAMO_WRITES.has(command)) counts.writes++;
    else if (command === 'SendEmailCommand') counts.emails++;
    else if (command === 'PublishCommand') counts.texts++;
  };
  add(documentClient(), (c) => (DYNAMO_READS.has(c) || DYNAMO_WRITES.has(c) ? 'before' : undefined));
  add(sesClient(), (c) => (c === 'SendEmailCommand' ? 'after' : undefined));
  add(snsClient(), (c) => (c === 'PublishCommand' ? 'after' : undefined));
  return () => {
    for (const stack of stacks) stack.remove(COUNTER);
  };
}

/** The handlers log JSON lines to stdout, as on Lambda; a simulation's output must stay readable (and `--json` pure). */
function muteStdout(): () => void {
  const write = process.stdout.write;
  process.stdout.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
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

/** Reads one lead's touches and status events from the items of its partition. */
export function leadHistory(items: readonly Item[]): LeadHistory {
  const sk = (item: Item) => String(item.sk ?? '');
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
      .map((e) => ({
        at: String(e.at),
        value: Number((e.detail as { value?: number } | undefined)?.value ?? 0),
      })),
  };
}

/**
 * Response rate by touch number (a reply counts for the last touch sent before it), conversion from follow-up,
 * average touches to close and revenue recovered (deals won after the 2nd or later touch).
 */
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
    const sentAt = history.touches
      .filter((t) => t.status === 'sent')
      .map((t) => t.at)
      .sort();
    sentAt.forEach((_, i) => {
      sent.set(i + 1, (sent.get(i + 1) ?? 0) + 1);
    });
    if (sentAt.length >= 2) withTwo++;
    const touchNumber = (at: string) => sentAt.filter((s) => s <= at).length;
    const replyTouches = [...history.replies]
      .sort((a, b) => a.at.localeCompare(b.at))
      .map((r) => ({ at: r.at, touch: touchNumber(r.at) }));
    for (const { touch } of replyTouches) {
      replies++;
      replied.set(touch, (replied.get(touch) ?? 0) + 1);
    }
    for (const win of history.wins) {
      // A win closes the reply before it: the touches it took are those before that reply.
      const touch = replyTouches.filter((r) => r.at <= win.at).at(-1)?.touch ?? touchNumber(win.at);
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
  for (const [flag, value] of [
    ['--reply-rate', replyRate],
    ['--win-rate', winRate],
  ] as const) {
    if (value !== undefined && !(value >= 0 && value <= 1)) {
      throw new UsageError(`${flag} must be a probability from 0 to 1, e.g. ${flag} 0.05 (got ${value})`);
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
  if (concurrency !== undefined && !(Number.isSafeInteger(concurrency) && concurrency >= 1)) {
    throw new UsageError(`concurrency must be a positive whole number (got ${concurrency})`);
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

/** The lead a shop's cart.abandoned event describes (the form has no cart fields). */
function shopProfile(lead: SyntheticLead): LeadProfile {
  const { email, name, company, interest, timezone, phone } = lead.body as Record<string, string>;
  return {
    email: email as string,
    ...(name ? { name } : {}),
    ...(company ? { company } : {}),
    ...(interest ? { interest } : {}),
    ...(timezone ? { zone: timezone } : {}),
    ...(phone
      ? {
          phone,
          smsConsent: { at: lead.enrolledAt.toISOString(), source: 'shop checkout', wording: CONSENT_WORDING },
        }
      : {}),
    source: 'shop',
    cart: lead.cart,
  };
}

/** Whether any of the cadence's templates shows the cart: its leads come from the shop, not the form. */
async function showsCart(cadence: Cadence, templatesDir: string): Promise<boolean> {
  const sources = await Promise.all(cadence.steps.map((step) => loadTemplate(templatesDir, step.template)));
  return sources.some((source) => templateVariables(source).some((path) => path[0] === 'cart'));
}

interface TouchPayload {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly stepIndex: number;
  readonly scheduledAt: string;
  readonly nextAt?: string;
}

/**
 * Runs `options.leads` synthetic leads through the cadence on a fresh in-memory local runtime and reports what
 * happened and what it would cost. The cadence's `then` runs once after it; a chain does not go on from there.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const root = options.root ?? ROOT;
  const cadences = loadCadencesSync(join(root, 'cadences'));
  checkOptions(
    options,
    cadences.map((c) => c.id),
  );
  const cadence = cadences.find((c) => c.id === options.cadenceId);
  if (!cadence) throw new UsageError(`unknown cadence "${options.cadenceId}"`);
  const seed = options.seed ?? 1;
  const replyRate = options.replyRate ?? 0.05;
  const winRate = options.winRate ?? 0.3;
  const dealValue = options.dealValue ?? 1000;
  const start = options.start ?? nextMonday(new Date());
  const leads = syntheticLeads(options.leads, seed, start, cadence.id);
  const firstEnrollments = new Set(leads.map((l) => executionName(l.leadId, cadence.id, l.enrolledAt)));

  const clock = new VirtualClock(start);
  const unmute = muteStdout();
  let runtime: Runtime | undefined;
  let uncount = () => {};
  let progress: NodeJS.Timeout | undefined;
  try {
    runtime = await startRuntime({ port: 0, clock, dataDir: undefined, root });
    const rt = runtime;
    const counts: Counts = { reads: 0, writes: 0, emails: 0, texts: 0 };
    uncount = countRequests(counts);
    const lambda = { intake: 0, touch: 0, complete: 0 };
    const signals = new DynamoLeadStore({ client: rt.ddb, tableName: rt.tableName });

    const functions = rt.functions as Map<string, LocalFunction>;
    const touch = functions.get('touch') as LocalFunction;
    const complete = functions.get('complete') as LocalFunction;
    functions.set('touch', async (payload) => {
      lambda.touch++;
      const result = (await touch(payload)) as { status?: string };
      if (result?.status === 'sent') await maybeReply(payload as TouchPayload);
      return result;
    });
    // The chain stops after one run of `then`: a nurture cadence chains to itself for ever.
    functions.set('complete', async (payload) => {
      lambda.complete++;
      const p = payload as { enrollmentId: string };
      return complete(firstEnrollments.has(p.enrollmentId) ? p : { ...p, then: null });
    });

    /** A reply as the inbound-email signal delivers it (DynamoDB first), before the lead's next touch. */
    async function maybeReply(touch: TouchPayload): Promise<void> {
      const random = streamFor(seed, `${touch.enrollmentId}#${touch.stepIndex}`);
      const replies = random() < replyRate;
      const delay = HOUR + random() * 5 * HOUR;
      const wins = random() < winRate;
      const closeDelay = DAY + random() * 13 * DAY;
      if (!replies) return;
      const sentAt = Date.parse(touch.scheduledAt);
      const before = touch.nextAt ? Date.parse(touch.nextAt) - 60_000 : Number.POSITIVE_INFINITY;
      const repliedAt = new Date(Math.max(sentAt + 60_000, Math.min(sentAt + delay, before))).toISOString();
      const replied = (from: 'active' | 'nurture'): LeadEvent => ({
        at: repliedAt,
        kind: 'status',
        source: 'simulate:reply',
        from,
        to: 'replied',
        detail: { channel: 'email' },
      });
      const moved =
        (await signals.changeStatus(touch.leadId, 'active', 'replied', replied('active'))) ||
        (await signals.changeStatus(touch.leadId, 'nurture', 'replied', replied('nurture')));
      if (!moved || !wins) return;
      await signals.changeStatus(touch.leadId, 'replied', 'won', {
        at: new Date(Date.parse(repliedAt) + closeDelay).toISOString(),
        kind: 'status',
        source: 'simulate:rep',
        from: 'replied',
        to: 'won',
        detail: { value: dealValue, currency: 'USD' },
      });
    }

    // Progress: a lead has finished when none of its executions is still running.
    let enrolled = 0;
    const leadOf = new Map<string, string>();
    const report = () => {
      if (!options.onProgress) return;
      const running = new Set<string>();
      for (const record of rt.sfn.list()) {
        if (record.status !== 'RUNNING') continue;
        let leadId = leadOf.get(record.executionArn);
        if (!leadId) {
          leadId = (JSON.parse(record.input) as { leadId: string }).leadId;
          leadOf.set(record.executionArn, leadId);
        }
        running.add(leadId);
      }
      options.onProgress({ finished: Math.max(0, enrolled - running.size), total: leads.length });
    };
    if (options.onProgress) {
      progress = setInterval(report, 200);
      progress.unref();
    }

    // Form leads go through the intake function as API Gateway hands it a POST /leads; cart leads are enrolled as
    // the shop event's intake does, with the cart their templates show.
    const shop = (await showsCart(cadence, join(root, 'templates'))) ? intakeDependencies() : undefined;
    const enroll = async (lead: SyntheticLead): Promise<string | undefined> => {
      lambda.intake++;
      if (shop) {
        const { enrollment } = await enrollLead(
          shop,
          { profile: shopProfile(lead), cadenceId: cadence.id, source: 'shop' },
          lead.enrolledAt,
        );
        return enrollment.status === 'started' ? undefined : JSON.stringify(enrollment);
      }
      const response = await clock.at(lead.enrolledAt, () => rt.intake(signupEvent(lead.body)));
      return response.statusCode === 202 ? undefined : `${response.statusCode} ${response.body ?? ''}`;
    };
    const failedSignups: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < leads.length) {
        const problem = await enroll(leads[next++] as SyntheticLead);
        if (problem) failedSignups.push(problem);
        enrolled++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, leads.length) }, worker));
    if (failedSignups.length > 0) {
      throw new Error(`${failedSignups.length} synthetic signups were refused, e.g. ${failedSignups[0]}`);
    }
    await rt.sfn.idle();
    if (progress) clearInterval(progress);
    report();

    const records = rt.sfn.list();
    const failed = records.filter((r) => r.status === 'FAILED');
    const executions = {
      started: records.length,
      done: records.filter((r) => r.status === 'SUCCEEDED' && r.currentState !== 'Exited').length,
      exited: records.filter((r) => r.status === 'SUCCEEDED' && r.currentState === 'Exited').length,
      failed: failed.length,
      aborted: records.filter((r) => r.status === 'ABORTED').length,
    };

    // What the run stored, read back lead by lead (outside the counts: production's report reads aggregates).
    const histories: LeadHistory[] = [];
    for (let i = 0; i < leads.length; i += 16) {
      const batch = leads.slice(i, i + 16);
      histories.push(
        ...(await Promise.all(
          batch.map(async (l) => leadHistory(await itemsOfLead(rt.ddb, rt.tableName, l.leadId))),
        )),
      );
    }
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

    const usage: Usage = {
      transitions: rt.sfn.counters.transitions,
      lambdaInvocations: lambda.intake + rt.sfn.counters.lambdaInvocations,
      dynamodb: { reads: counts.reads, writes: counts.writes },
      emails: counts.emails,
      texts: counts.texts,
    };
    const cost = costOf(usage);
    const first = failed[0];
    return {
      leads: leads.length,
      touches,
      byChannel,
      transitions: usage.transitions,
      lambdaInvocations: usage.lambdaInvocations,
      dynamodb: usage.dynamodb,
      costUsd: cost.total,
      report: simulationReport(histories),
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
      executions,
      ...(first ? { firstFailure: { error: first.error, cause: first.cause } } : {}),
      costPer1000Leads: round6((cost.total / leads.length) * 1000),
      costBreakdown: cost.breakdown,
    };
  } finally {
    if (progress) clearInterval(progress);
    uncount();
    await runtime?.stop();
    unmute();
  }
}

const sortKeys = (record: Record<string, number>) =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
