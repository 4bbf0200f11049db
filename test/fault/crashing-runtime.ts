import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ScaledClock } from '../../local/clock.ts';
import { startRuntime } from '../../local/runtime.ts';
import type { LocalFunction } from '../../local/step-functions.ts';

/*
 * Run as a child process by crash.test.ts: the local runtime on a data folder, exactly as `npm start` runs it,
 * whose SES holds every send of a burst of CRASH_TOUCHES touches, then lets CRASH_SEND_FIRST of them out: the
 * rest stop between claiming and sending. When those have returned, it says so on stdout (lines starting
 * CRASH_LINE), and the test kills it with SIGKILL: a deterministic point, no timing.
 */

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const dataDir = env('CRASH_DATA_DIR');
const sendFirst = Number(env('CRASH_SEND_FIRST'));
const touches = Number(env('CRASH_TOUCHES'));
// The prefix tells the test's lines from the engine's own log lines on the same stdout.
const prefix = env('CRASH_LINE');
const say = (message: Record<string, unknown>) =>
  process.stdout.write(`${prefix}${JSON.stringify(message)}\n`);

const runtime = await startRuntime({
  port: 0,
  dataDir,
  fresh: true,
  clock: new ScaledClock(1, Date.parse(env('CRASH_START_AT'))),
  iam: 'enforce',
  // Every touch of the burst at once: held sends must not keep the others from claiming.
  taskConcurrency: touches,
});

let returned = 0;
/** The sends asked for, each waiting for its turn; only the first CRASH_SEND_FIRST ever get it. */
const waiting: (() => void)[] = [];
const check = () => {
  if (returned === sendFirst && waiting.length === touches) {
    say({ halted: { sent: sendFirst, held: touches - sendFirst } });
  }
};

// The runtime's own SES client, as its touch function uses it. Every send waits until all touches have claimed, so
// the emails that go out go out together just before the kill: a mailbox kept only now and then would lose them.
const { ses } = runtime.clients;
const send = ses.send.bind(ses) as (command: unknown) => Promise<unknown>;
Object.assign(ses, {
  send: async (command: unknown) => {
    if (!(command instanceof SendEmailCommand)) return send(command);
    await new Promise<void>((go) => {
      waiting.push(go);
      if (waiting.length === touches) for (const release of waiting.slice(0, sendFirst)) release();
      check();
    });
    return send(command);
  },
});

const functions = runtime.functions as Map<string, LocalFunction>;
const touch = functions.get('touch') as LocalFunction;
functions.set('touch', async (payload) => {
  try {
    return await touch(payload);
  } finally {
    returned++;
    check();
  }
});

say({ url: runtime.url });
