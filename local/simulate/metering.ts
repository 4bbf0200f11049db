import { isPerProcessIndexWrite } from '../../functions/adapters/dynamo/keys.ts';

/*
 * Counting what AWS bills for (docs/architecture.md §6): a middleware on the SDK clients the handlers use tallies DynamoDB reads and writes
 * (as request units: the items are far under 1 KB written and 4 KB read), SES emails and SNS texts.
 */

export interface Counts {
  reads: number;
  writes: number;
  emails: number;
  texts: number;
}

/** Lambda invocations the Step Functions counters do not see (intake, signals) or break down (touch, complete). */
export interface LambdaCounts {
  intake: number;
  touch: number;
  complete: number;
  /** The inbound-email and outcome handlers, for replies and won deals. */
  signals: number;
}

/** The clients whose requests are counted, named as functions/runtime/clients.ts names them. */
export interface MeteredClients {
  readonly documents: { readonly middlewareStack: unknown };
  readonly ses: { readonly middlewareStack: unknown };
  readonly sns: { readonly middlewareStack: unknown };
}

const DYNAMO_READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const DYNAMO_WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
]);

/** The part of an SDK client's middleware stack the counter uses, whatever the client's own types. */
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
 * A month index (the report's, the listings'): written once per function instance and month, not per lead. Left out
 * of the counts, which would otherwise depend on how many runtimes ran and how their requests interleaved.
 */
const isPerInstanceWrite = isPerProcessIndexWrite;

/**
 * What a request counts as, how many request units (a batch is billed per item, as if each were sent alone), and
 * whether it counts when sent (billed even if it fails) or once accepted.
 */
type Tally =
  | { readonly counter: keyof Counts; readonly when: 'sent' | 'accepted'; readonly units?: number }
  | undefined;

type BatchInput = {
  readonly RequestItems?: Readonly<
    Record<string, readonly { PutRequest?: { Item?: unknown } }[] | { readonly Keys?: readonly unknown[] }>
  >;
};

/** The items of a BatchWriteItem or BatchGetItem, each billed as one request; per-instance index writes left out. */
function batchUnits(input: unknown): number {
  let units = 0;
  for (const table of Object.values((input as BatchInput | undefined)?.RequestItems ?? {})) {
    if (!Array.isArray(table)) {
      units += (table as { Keys?: readonly unknown[] }).Keys?.length ?? 0;
      continue;
    }
    for (const request of table as readonly { PutRequest?: { Item?: unknown } }[]) {
      if (!isPerInstanceWrite({ Item: request.PutRequest?.Item })) units += 1;
    }
  }
  return units;
}

function dynamoTally(command: string, input: unknown): Tally {
  const batch = command.startsWith('Batch');
  if (DYNAMO_READS.has(command))
    return { counter: 'reads', when: 'sent', ...(batch ? { units: batchUnits(input) } : {}) };
  if (batch && DYNAMO_WRITES.has(command))
    return { counter: 'writes', when: 'sent', units: batchUnits(input) };
  // A failed conditional write is billed too.
  if (DYNAMO_WRITES.has(command) && !isPerInstanceWrite(input)) return { counter: 'writes', when: 'sent' };
  return undefined;
}

const sesTally = (command: string): Tally =>
  command === 'SendEmailCommand' ? { counter: 'emails', when: 'accepted' } : undefined;
const snsTally = (command: string): Tally =>
  command === 'PublishCommand' ? { counter: 'texts', when: 'accepted' } : undefined;

/** Counts the requests sent on `clients` into `counts`. Returns the function that stops counting. */
export function countRequests(counts: Counts, clients: MeteredClients): () => void {
  const stacks: Stack[] = [];
  const count = (client: { middlewareStack: unknown }, tally: (command: string, input: unknown) => Tally) => {
    const stack = client.middlewareStack as Stack;
    stack.add(
      (next, context) => async (args) => {
        const what = tally(context.commandName ?? '', args.input);
        if (what?.when === 'sent') counts[what.counter] += what.units ?? 1;
        const result = await next(args);
        if (what?.when === 'accepted') counts[what.counter] += what.units ?? 1;
        return result;
      },
      { step: 'initialize', name: COUNTER },
    );
    stacks.push(stack);
  };
  count(clients.documents, dynamoTally);
  count(clients.ses, sesTally);
  count(clients.sns, snsTally);
  return () => {
    for (const stack of stacks) stack.remove(COUNTER);
  };
}
