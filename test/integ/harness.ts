import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Clock } from '../../local/clock.ts';
import type { IamMode } from '../../local/iam/enforcer.ts';
import { type Runtime, startRuntime } from '../../local/runtime.ts';

/*
 * The local runtime, started in-process on a clock the test moves by hand: no test waits for real time to pass,
 * and every touch runs at exactly the virtual instant its schedule names.
 */

/** When the tests' leads arrive: a Tuesday, 10:00 in Chicago (CDT), no holiday near. */
export const T0 = new Date('2026-04-07T15:00:00.000Z');

interface Sleeper {
  readonly at: number;
  readonly wake: () => void;
}

/**
 * Virtual time that moves only when the test says so: `sleepUntil` parks the caller until `jumpTo` reaches its
 * instant. TestRuntime.advanceTo jumps from one wake-up to the next and lets the engine settle in between, so
 * every touch runs at its own due instant and never sees a later "now".
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly sleepers = new Set<Sleeper>();

  constructor(start: Date = T0) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  sleepUntil(at: Date, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    if (at.getTime() <= this.current) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        at: at.getTime(),
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers.delete(sleeper);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.add(sleeper);
    });
  }

  /** How many callers are parked in `sleepUntil`. */
  get sleeping(): number {
    return this.sleepers.size;
  }

  /** The earliest instant someone sleeps until. */
  nextWake(): number | undefined {
    let next: number | undefined;
    for (const s of this.sleepers) if (next === undefined || s.at < next) next = s.at;
    return next;
  }

  /** Moves to `at` and wakes everyone due by then (never backwards). */
  jumpTo(at: number): void {
    this.current = Math.max(this.current, at);
    for (const s of [...this.sleepers]) {
      if (s.at <= this.current) {
        this.sleepers.delete(s);
        s.wake();
      }
    }
  }
}

const abortError = () => Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });

export interface TestRuntime {
  readonly runtime: Runtime;
  readonly clock: ManualClock;
  /** The runtime's base URL, e.g. http://127.0.0.1:40123. */
  readonly url: string;
  /** Runs the engine until nothing is left to do at the current virtual instant. */
  settle(): Promise<void>;
  /** Lets virtual time pass up to `at`, running every touch due on the way at its own instant. */
  advanceTo(at: Date | string): Promise<void>;
  stop(): Promise<void>;
}

const SETTLE_LIMIT_MS = 10_000;

export async function startTestRuntime(
  options: {
    dataDir?: string;
    clock?: ManualClock;
    /**
     * The deployed IAM, enforced by default: a call the stack's roles could not make fails here as on AWS. `off` only
     * for a project folder without the stack's code to synthesize.
     */
    iam?: IamMode | 'off';
    sesIdentities?: readonly string[];
    /** The test provokes denials on purpose; otherwise stopping fails on any. */
    expectDenials?: boolean;
    /** Another project folder (its cadences, templates and followup.config.json); default this repository. */
    root?: string;
  } = {},
): Promise<TestRuntime> {
  const clock = options.clock ?? new ManualClock();
  const runtime = await startRuntime({
    port: 0,
    clock,
    ...(options.iam === 'off' ? {} : { iam: options.iam ?? 'enforce' }),
    ...(options.sesIdentities ? { sesIdentities: options.sesIdentities } : {}),
    // Every line is kept (and shown only if the test fails): see showLogsOnFailure.
    logLevel: 'INFO',
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.root ? { root: options.root } : {}),
  });
  let stopped = false;

  /*
   * Quiet means every running execution is parked on the clock: none is sending, retrying, completing or starting.
   * It must hold on three turns of the event loop in a row, so work queued behind an I/O callback gets its turn.
   */
  const quiet = () => {
    const running = runtime.sfn.list().filter((r) => r.status === 'RUNNING').length;
    return running === clock.sleeping;
  };
  async function settle(): Promise<void> {
    const deadline = Date.now() + SETTLE_LIMIT_MS;
    let calm = 0;
    while (calm < 3) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      calm = quiet() ? calm + 1 : 0;
      if (Date.now() > deadline) {
        const running = runtime.sfn
          .list()
          .filter((r) => r.status === 'RUNNING')
          .map((r) => `${r.name} at ${r.currentState ?? '?'}`);
        throw new Error(
          `the engine did not settle in ${SETTLE_LIMIT_MS} ms: ${running.length} running (${running.join(', ')}), ${clock.sleeping} asleep on the clock`,
        );
      }
    }
  }

  async function advanceTo(target: Date | string): Promise<void> {
    const end = new Date(target).getTime();
    await settle();
    for (;;) {
      const next = clock.nextWake();
      if (next === undefined || next > end) break;
      clock.jumpTo(next);
      await settle();
    }
    clock.jumpTo(end);
    await settle();
  }

  const test: TestRuntime = {
    runtime,
    clock,
    url: runtime.url,
    settle,
    advanceTo,
    async stop() {
      if (stopped) return;
      stopped = true;
      await runtime.stop();
      // A denied call may have been caught and retried by the engine: still a defect on AWS.
      const denials = runtime.iam?.denials ?? [];
      if (denials.length > 0 && !options.expectDenials) {
        throw new Error(
          `the deployed IAM would deny: ${denials.map((d) => `${d.function} ${d.action} on ${d.resource}`).join('; ')}`,
        );
      }
    },
  };
  return test;
}

/*
 * The handlers log one JSON line per step to stdout, as on Lambda. Tests keep the last lines and print them only
 * when a test fails, so a passing run stays readable and a failing one says what the engine did.
 */
const LOG_LINE = /^\{"level":/;
const logs: string[] = [];
let capturing = false;

function captureLogs(): void {
  if (capturing) return;
  capturing = true;
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && LOG_LINE.test(chunk)) {
      logs.push(chunk);
      if (logs.length > 400) logs.shift();
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
}

/** Hides the engine's log lines while `test` runs and prints them if it fails. */
export function showLogsOnFailure(onTestFailed: (fn: () => void) => void): void {
  captureLogs();
  logs.length = 0;
  onTestFailed(() => {
    process.stderr.write(`--- the engine's last ${logs.length} log lines ---\n${logs.join('')}`);
  });
}

/** A fresh in-memory engine for every test of the calling file, stopped after it; `engine()` is the current one. */
export function useEngine(): () => TestRuntime {
  let current: TestRuntime | undefined;
  beforeEach(async ({ onTestFailed }) => {
    showLogsOnFailure(onTestFailed);
    current = await startTestRuntime();
  });
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('no engine: call engine() inside a test');
    return current;
  };
}

/** A fresh directory for an on-disk runtime, and a way to remove it. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// ---- What a user sees, over HTTP ----

export interface ScheduledTouch {
  readonly step: string;
  readonly channel: 'email' | 'sms' | 'call' | 'task';
  readonly template: string;
  readonly at: string;
  readonly cadenceId: string;
}

export interface TouchView {
  readonly step: string;
  readonly channel: string;
  readonly template: string;
  readonly status: string;
  readonly at: string;
  readonly reason?: string;
  readonly cadenceId: string;
  readonly enrollmentId: string;
}

export interface LeadApiView {
  readonly lead: Record<string, unknown> & { leadId: string; email: string; status: string };
  readonly enrollments: (Record<string, unknown> & {
    enrollmentId: string;
    cadenceId: string;
    status: string;
  })[];
  readonly schedule: ScheduledTouch[];
  readonly touches: TouchView[];
  readonly tasks: Record<string, unknown>[];
  readonly events: Record<string, unknown>[];
}

export interface MailboxEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly replyTo: string[];
  readonly subject: string;
  readonly headers: { name: string; value: string }[];
  readonly text?: string;
  readonly html?: string;
  readonly at: string;
}

export interface SmsView {
  readonly to: string;
  readonly body: string;
  readonly at: string;
}

export interface EnrollmentAnswer {
  readonly leadId: string;
  readonly enrollment: {
    readonly status: string;
    readonly id: string;
    readonly cadence: string;
    readonly schedule: { step: string; channel: string; template: string; at: string }[];
  };
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** POST /leads as a JSON API client would. */
export async function postLeadJson(url: string, body: Record<string, unknown>) {
  const response = await fetch(`${url}/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as EnrollmentAnswer };
}

/** Enrolls a lead through the API and answers its id; fails the test on anything but 202. */
export async function enroll(url: string, body: Record<string, unknown>): Promise<EnrollmentAnswer> {
  const { status, body: answer } = await postLeadJson(url, body);
  if (status !== 202) throw new Error(`POST /leads answered ${status}: ${JSON.stringify(answer)}`);
  return answer;
}

export const leadOf = (url: string, leadId: string) => getJson<LeadApiView>(`${url}/api/leads/${leadId}`);
export const mailboxOf = (url: string) => getJson<MailboxEmail[]>(`${url}/api/mailbox`);
export const smsOf = (url: string) => getJson<SmsView[]>(`${url}/api/sms`);

export const header = (email: MailboxEmail, name: string) =>
  email.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

/** One millisecond before an instant: "not yet". */
export const justBefore = (at: string) => new Date(Date.parse(at) - 1);
