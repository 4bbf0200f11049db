import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LeadStore } from '../../functions/domain/ports.ts';
import type { TouchDeps } from '../../functions/domain/touch.ts';
import { makeTouchHandler } from '../../functions/handlers/touch.ts';
import type { Settings } from '../../functions/runtime/settings.ts';
import { touchDependencies } from '../../functions/runtime/touch-dependencies.ts';
import { localSettings } from '../../local/runtime/settings.ts';
import { ROOT } from '../../local/runtime.ts';
import { executionContext, type LocalFunction } from '../../local/step-functions.ts';
import type { TestRuntime } from '../integ/harness.ts';

/*
 * Faults injected into the local runtime at the edges the engine cannot control: an AWS API that throttles, a
 * store write that never happens because the function died. The engine under test is the real one (dynalite, the
 * SES emulator, the compiled definitions with their Retry on aws-local-stepfunctions); only the failing call is
 * replaced.
 */

type Send = (command: unknown) => Promise<unknown>;

/** A client whose `send` runs `fault` first: it throws to fail the call, or returns to let it through. */
export function faulty<T extends { send: unknown }>(client: T, fault: (command: unknown) => void): T {
  const send = (client.send as Send).bind(client);
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'send') {
        return async (command: unknown) => {
          fault(command);
          return send(command);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** A store whose methods named in `faults` run their fault first (it may throw), each bound to the real store. */
export function faultyStore(
  store: LeadStore,
  faults: Partial<Record<keyof LeadStore, (...args: unknown[]) => void>>,
): LeadStore {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const fault = faults[property as keyof LeadStore];
      return (...args: unknown[]) => {
        fault?.(...args);
        return value.apply(target, args);
      };
    },
  });
}

/** What each invocation of the touch function ended with: its status, or the error name Step Functions saw. */
export type Outcome = string;

/**
 * Replaces the runtime's touch function with one built from the same dependencies with `change` applied, as
 * Lambda would run it; `after` may turn a result into a failure (a function that died before it could answer).
 */
export async function installTouch(
  engine: TestRuntime,
  change: (deps: TouchDeps) => TouchDeps,
  after?: (result: unknown) => void,
): Promise<Outcome[]> {
  const now = () => executionContext.getStore()?.now ?? engine.runtime.clock.now();
  const deps = touchDependencies(runtimeSettings(engine), engine.runtime.clients);
  const handler = makeTouchHandler(change(deps), now);
  const outcomes: Outcome[] = [];
  const touch: LocalFunction = async (payload) => {
    try {
      const result = await handler(payload);
      after?.(result);
      outcomes.push(result.status);
      return result;
    } catch (error) {
      outcomes.push((error as Error).name);
      throw error;
    }
  };
  (engine.runtime.functions as Map<string, LocalFunction>).set('touch', touch);
  return outcomes;
}

/** The settings the runtime's functions run with, as the local runtime builds them. */
export function runtimeSettings(engine: TestRuntime): Settings {
  return localSettings(engine.runtime.config, { root: ROOT, url: engine.runtime.url, logLevel: 'INFO' });
}

/** The runtime's own SDK clients (pointed at the emulators), to wrap. */
export async function runtimeClients(engine: TestRuntime): Promise<{
  ses: SESv2Client;
  documents: DynamoDBDocumentClient;
  sfn: SFNClient;
}> {
  const { ses, documents, sfn } = engine.runtime.clients;
  return { ses, documents, sfn };
}

/** An AWS service error as the SDK raises it: name, fault and HTTP status. */
export const awsError = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });

/**
 * The SES client whose first SendEmail reaches SES (the email is in the mailbox) and then times out: the answer is
 * lost, so the sender cannot know whether it went.
 */
export function firstEmailAnswerLost(ses: SESv2Client): SESv2Client {
  const send = ses.send.bind(ses) as (command: unknown) => Promise<unknown>;
  let lost = false;
  return new Proxy(ses, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: unknown) => {
        const result = await send(command);
        if (command instanceof SendEmailCommand && !lost) {
          lost = true;
          throw awsError('TimeoutError', 'Connection timed out after 5000 ms', 0);
        }
        return result;
      };
    },
  });
}
