import { afterEach, describe, expect, it, vi } from 'vitest';

/* The tracer is loaded only where Powertools would trace (docs/architecture.md §9): on Lambda, not switched off. */

const LAMBDA = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };

afterEach(() => {
  vi.doUnmock('@aws-lambda-powertools/tracer');
  vi.resetModules();
});

/** tracer.ts with Powertools' module replaced by one that records whether it was imported. */
async function withRecordedTracer() {
  const imported = vi.fn();
  vi.doMock('@aws-lambda-powertools/tracer', () => {
    imported();
    return {
      Tracer: class {
        constructor(readonly options: { serviceName: string }) {}
      },
    };
  });
  return { imported, ...(await import('../../../../functions/runtime/tracer.ts')) };
}

describe('tracingEnabled', () => {
  it.each([
    [{}, false],
    [LAMBDA, true],
    [{ ...LAMBDA, POWERTOOLS_TRACE_ENABLED: 'false' }, false],
    [{ ...LAMBDA, POWERTOOLS_TRACE_ENABLED: 'FALSE' }, false],
    [{ ...LAMBDA, POWERTOOLS_TRACE_ENABLED: 'true' }, true],
    [{ ...LAMBDA, AWS_SAM_LOCAL: 'true' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }, false],
    [{ POWERTOOLS_TRACE_ENABLED: 'true' }, false],
  ])('%j → %s, as Powertools Tracer decides', async (env, expected) => {
    const { tracingEnabled } = await withRecordedTracer();
    expect(tracingEnabled(env)).toBe(expected);
  });
});

describe('lambdaTracer', () => {
  it('does not import the tracer (nor the X-Ray SDK) when tracing is off', async () => {
    // Prepare
    const { lambdaTracer, imported } = await withRecordedTracer();

    // Act
    const tracer = await lambdaTracer('followup-touch', { POWERTOOLS_TRACE_ENABLED: 'false' });

    // Assess
    expect(tracer).toBeUndefined();
    expect(imported).not.toHaveBeenCalled();
  });

  it("imports it and names the function's service when tracing is on", async () => {
    // Prepare
    const { lambdaTracer, imported } = await withRecordedTracer();

    // Act
    const tracer = await lambdaTracer('followup-touch', LAMBDA);

    // Assess
    expect(imported).toHaveBeenCalledOnce();
    expect(tracer).toMatchObject({ options: { serviceName: 'followup-touch' } });
  });
});
