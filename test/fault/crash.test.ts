import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  enroll,
  leadOf,
  ManualClock,
  mailboxOf,
  showLogsOnFailure,
  startTestRuntime,
  T0,
  type TestRuntime,
  tempDir,
} from '../integ/harness.ts';

/*
 * `kill -9` during a burst of due touches, some sent, the rest claimed and not yet sent (issue #11): after a restart
 * on the same data folder every claimed touch is sent or unconfirmed, none is sent twice, and every email the engine
 * recorded as sent is in the mailbox. The runtime runs in a child process so the kill is a real SIGKILL.
 */

const CHILD = new URL('./crashing-runtime.ts', import.meta.url).pathname;
const CRASH_LINE = 'crashing-runtime ';
const TOUCHES = 20;
const SEND_FIRST = 6;
const HOUR = 3_600_000;

let dir: ReturnType<typeof tempDir>;
let child: ChildProcess | undefined;
let engine: TestRuntime | undefined;

beforeEach(({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  dir = tempDir('followup-crash-');
});

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await engine?.stop();
  engine = undefined;
  dir.remove();
});

/** Starts the crashing runtime; `next(kind)` waits for its next message of that kind, or fails if it exits first. */
function startChild() {
  const stderr: string[] = [];
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      CRASH_DATA_DIR: dir.path,
      CRASH_SEND_FIRST: String(SEND_FIRST),
      CRASH_TOUCHES: String(TOUCHES),
      CRASH_START_AT: T0.toISOString(),
      CRASH_LINE,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stderr?.on('data', (chunk) => stderr.push(String(chunk)));
  const messages: Record<string, unknown>[] = [];
  const waiting = new Set<() => void>();
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (!line.startsWith(CRASH_LINE)) return;
    messages.push(JSON.parse(line.slice(CRASH_LINE.length)));
    for (const wake of [...waiting]) wake();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const next = <T>(kind: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const look = () => {
        const found = messages.find((m) => kind in m);
        if (!found) return;
        waiting.delete(look);
        resolve(found[kind] as T);
      };
      waiting.add(look);
      look();
      void exited.then((code) =>
        reject(new Error(`the runtime exited (${code}) before "${kind}":\n${stderr.join('')}`)),
      );
    });
  return { proc, next, exited };
}

describe('the runtime is killed between claiming and sending', () => {
  it('restarted on the same data: each claimed touch is sent or unconfirmed, none twice, every sent email kept', async () => {
    // Prepare: a runtime in its own process, and a burst of leads whose first touch is due at once
    const crashing = startChild();
    child = crashing.proc;
    const url = await crashing.next<string>('url');
    const emails = Array.from(
      { length: TOUCHES },
      (_, i) => `burst.lead${String(i).padStart(2, '0')}@example.com`,
    );
    const leadIds: string[] = [];
    for (const email of emails) leadIds.push((await enroll(url, { email, name: 'Burst Lead' })).leadId);
    const halted = await crashing.next<{ sent: number; held: number }>('halted');
    expect(halted).toMatchObject({ sent: SEND_FIRST, held: TOUCHES - SEND_FIRST });

    // Act: kill -9 while the held touches are claimed and unsent, then start again on the same folder
    crashing.proc.kill('SIGKILL');
    await crashing.exited;
    engine = await startTestRuntime({
      dataDir: dir.path,
      clock: new ManualClock(new Date(T0.getTime() + HOUR)),
    });
    await engine.settle();

    // Assess: none silently gone — every first touch is sent or unconfirmed, and none is still claimed
    const firstTouches = await Promise.all(
      leadIds.map(async (id) =>
        (await leadOf(engine?.url ?? '', id)).touches.filter((t) => t.step === 'instant-reply'),
      ),
    );
    expect(firstTouches.map((t) => t.length)).toEqual(leadIds.map(() => 1));
    const statuses = firstTouches.map((t) => t[0]?.status);
    expect(statuses.filter((s) => s === 'sent')).toHaveLength(SEND_FIRST);
    expect(statuses.filter((s) => s === 'unconfirmed')).toHaveLength(TOUCHES - SEND_FIRST);
    for (const [touch] of firstTouches.filter(([t]) => t?.status === 'unconfirmed')) {
      expect(touch?.reason).toMatch(
        /^claimed at .+ and never finished: the function stopped between claiming and sending; it may or may not have been sent$/,
      );
    }

    // Assess: each sent touch's email survived the kill, and nothing went out twice or on its own after it
    const mail = await mailboxOf(engine.url);
    const received = emails.map((email) => mail.filter((m) => m.destination.to.includes(email)).length);
    expect(received).toEqual(statuses.map((s) => (s === 'sent' ? 1 : 0)));

    // Assess: the unconfirmed ones are listed for a redrive, with what the rep needs
    const listed = (await (await fetch(`${engine.url}/api/touches/unconfirmed`)).json()) as {
      leadId: string;
      cadenceId: string;
      stepId: string;
      channel: string;
      claimedAt: string;
    }[];
    expect(listed.map((t) => t.leadId).sort()).toEqual(
      leadIds.filter((_, i) => statuses[i] === 'unconfirmed').sort(),
    );
    expect(listed[0]).toMatchObject({ cadenceId: 'web-inquiry', stepId: 'instant-reply', channel: 'email' });
  });
});
