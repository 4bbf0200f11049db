import { TransientError, UsageError } from '../../functions/core/errors.ts';
import type { EnrollDeps } from '../../functions/domain/enroll.ts';
import {
  importRow,
  type RowFields,
  type RowOutcome,
  rejectionReason,
  submissionOf,
} from '../../functions/domain/import.ts';

/*
 * Where an import's rows go: an engine's enrollment called in this process (the local runtime started here, or the
 * deployed stack's table and state machines), or a running engine's POST /leads over HTTP. Each says when the target
 * throttles (TransientError), so the run slows down and retries the row.
 */

/** Where rows go. */
export interface ImportTarget {
  /** For people: "the local runtime (.followup/)", "http://127.0.0.1:3000". */
  readonly description: string;
  /** Enrolls one row. Throws TransientError when the target is throttled or busy: the row is retried later. */
  enroll(fields: RowFields, context: RowContext): Promise<RowOutcome>;
}

export interface RowContext {
  /** The file's column that holds a field, to name it in a rejection. */
  readonly columnOf: (field: string) => string | undefined;
}

/** Rows into an engine in this process (the local runtime) or on AWS, through the domain's enrollment. */
export function directTarget(
  deps: EnrollDeps,
  options: { cadenceId: string; origin: string; clock: () => Date; description: string },
): ImportTarget {
  return {
    description: options.description,
    enroll: (fields, context) =>
      importRow(
        deps,
        fields,
        { cadenceId: options.cadenceId, origin: options.origin, columnOf: context.columnOf },
        options.clock(),
      ),
  };
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * Rows posted to a running engine's POST /leads (`npm start`, or the deployed API), as a form would post them: the
 * endpoint validates and enrolls; 429 and 5xx answers are retried. The endpoint records consent at the time of the
 * post (a consent_at column is not sent).
 */
export function httpTarget(
  baseUrl: string,
  options: { cadenceId: string; origin: string },
  fetchImpl: typeof fetch = fetch,
): ImportTarget {
  const url = new URL(baseUrl);
  const endpoint = new URL(
    /\/leads\/?$/.test(url.pathname) ? url.pathname : `${url.pathname.replace(/\/+$/, '')}/leads`,
    url,
  );
  let answered = false;
  return {
    description: endpoint.origin,
    async enroll(fields, context) {
      const { consentAt: _ignored, ...rest } = fields;
      const body = {
        ...submissionOf(rest),
        source: fields.source ?? options.origin,
        cadence: options.cadenceId,
      };
      let response: Response;
      try {
        response = await fetchImpl(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
        });
      } catch (error) {
        const reason = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
        if (!answered)
          throw new UsageError(`nothing answers at ${endpoint.href} (${reason}); is it running?`);
        throw new TransientError(`POST ${endpoint.pathname}: ${reason}`, { cause: error });
      }
      answered = true;
      const text = await response.text();
      const json = (() => {
        try {
          return JSON.parse(text) as Record<string, unknown>;
        } catch {
          return {};
        }
      })();
      if (response.status === 202) {
        const enrollment = json.enrollment as { status?: string; id?: string; reason?: string } | undefined;
        const leadId = String(json.leadId ?? '');
        if (
          enrollment?.status === 'started' ||
          enrollment?.status === 'existing' ||
          enrollment?.status === 'pending'
        ) {
          return { kind: 'enrolled', status: enrollment.status, leadId, enrollmentId: String(enrollment.id) };
        }
        return { kind: 'not-enrolled', leadId, reason: enrollment?.reason ?? 'not enrolled' };
      }
      if (RETRYABLE_STATUS.has(response.status)) throw new TransientError(`HTTP ${response.status}`);
      if (response.status === 400 && json.errors && typeof json.errors === 'object') {
        const errors = json.errors as Record<string, string>;
        if (errors.cadence) {
          throw new UsageError(
            `${endpoint.href} does not enroll leads in "${options.cadenceId}": ${errors.cadence}`,
          );
        }
        return { kind: 'rejected', reason: rejectionReason(errors, context.columnOf) };
      }
      if (response.status === 413) {
        return { kind: 'rejected', reason: 'the row is larger than the endpoint accepts (10 KB)' };
      }
      throw new UsageError(
        `POST ${endpoint.href} answered ${response.status}: ${String(json.message ?? text).slice(0, 200)}`,
      );
    },
  };
}
