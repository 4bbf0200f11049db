import { join, resolve } from 'node:path';
import { awsTable, type StackOptions } from './targets/deployed-stack.ts';
import { localTable } from './targets/local-runtime.ts';
import type { TableSource } from './targets/table-source.ts';

/*
 * How the CLI finds what it talks to: the local runtime (its data folder under the project, as `npm start` keeps it)
 * or, with --aws or FOLLOWUP_TARGET=aws, the deployed stack. Every command asks here; none opens dynalite's files or
 * calls CloudFormation itself. The parts, under targets/: local-runtime.ts (finding and reading it), local-engine.ts
 * (starting it here), deployed-stack.ts (the stack and its clients), aws-access.ts (region and credentials).
 */

export { credentialProblem, resolveRegion } from './targets/aws-access.ts';
export {
  type AwsEnrollment,
  awsEnrollment,
  type InvocationResult,
  type StackOptions,
  stackResources,
  touchFunction,
} from './targets/deployed-stack.ts';
export { enrollmentIn, type LocalEnrollment, localEnrollment } from './targets/local-engine.ts';
export { type RunningRuntime, runningRuntime, runtimeInUse } from './targets/local-runtime.ts';
export type { TableSource } from './targets/table-source.ts';

/** The project: its cadences, config and the local runtime's data folder. */
export const PROJECT_ROOT = new URL('..', import.meta.url).pathname;

export interface TargetOptions extends StackOptions {
  readonly aws?: boolean;
  /** The local runtime's data folder. */
  readonly data?: string;
}

/** --aws, or FOLLOWUP_TARGET=aws: the deployed stack; else the local runtime. */
export const onAws = (options: Pick<TargetOptions, 'aws'>): boolean =>
  options.aws ?? process.env.FOLLOWUP_TARGET === 'aws';

/** --data, else the folder `npm start` keeps its data in. */
export const localDataDir = (options: Pick<TargetOptions, 'data'>): string =>
  resolve(options.data ?? join(PROJECT_ROOT, '.followup'));

/** The data folder as the person named it, for a message: ".followup/" by default. */
export const dataFolderLabel = (options: Pick<TargetOptions, 'data'>): string =>
  `${(options.data ?? '.followup').replace(/\/+$/, '')}/`;

/**
 * The engine's table the options point at: the deployed stack's, else the local runtime's; undefined when the local
 * runtime has no data yet. `command` names what the user ran, for the message when the files are held.
 */
export function openTable(options: TargetOptions, command: string): Promise<TableSource | undefined> {
  return onAws(options) ? awsTable(options) : localTable(localDataDir(options), command);
}
