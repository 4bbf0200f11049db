import type { EnrollDeps } from '../../functions/domain/enroll.ts';
import type { AwsClients } from '../../functions/runtime/clients.ts';
import type { LogLevel } from '../../functions/runtime/settings.ts';
import type { Runtime } from '../../local/runtime.ts';

/*
 * The local engine started in this process, for a command that enrolls leads (`followup leads import`): the same
 * runtime `npm start` runs, and enrollment wired as its intake function is. Loaded only when used: the runtime
 * brings every handler with it.
 */

/** The local engine started here, and what enrolls a lead in it. */
export interface LocalEnrollment {
  readonly deps: EnrollDeps;
  /** The runtime's clock: the engine's time, which `npm start` resumes from. */
  readonly clock: () => Date;
  close(): Promise<void>;
}

/**
 * What enrolls a lead in a running local engine: intake's own dependencies, from the settings the runtime gives its
 * functions and its clients (a test passes throttling ones instead).
 */
export async function enrollmentIn(
  runtime: Runtime,
  options: { readonly clients?: AwsClients; readonly logLevel?: LogLevel } = {},
): Promise<EnrollDeps> {
  const { ROOT } = await import('../../local/runtime.ts');
  const { localSettings } = await import('../../local/runtime/settings.ts');
  const { intakeDependencies } = await import('../../functions/runtime/enroll-dependencies.ts');
  const settings = localSettings(runtime.config, {
    root: ROOT,
    url: runtime.url,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  return intakeDependencies(settings, options.clients ?? runtime.clients);
}

/**
 * Starts the engine on `dataDir` in this process exactly as `npm start` starts it (its executions run here while
 * the command lasts and resume at the next `npm start`). The caller has checked `runtimeInUse` first.
 */
export async function localEnrollment(
  dataDir: string,
  options: { readonly logLevel: LogLevel },
): Promise<LocalEnrollment> {
  const { startRuntime } = await import('../../local/runtime.ts');
  // On npm start's port: links in the emails sent meanwhile work once `npm start` serves them.
  const runtime = await startRuntime({
    port: Number(process.env.PORT ?? 3000),
    dataDir,
    logLevel: options.logLevel,
  });
  return {
    deps: await enrollmentIn(runtime, { logLevel: options.logLevel }),
    clock: () => runtime.clock.now(),
    close: () => runtime.stop(),
  };
}
