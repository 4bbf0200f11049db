import type { Cadence } from '../core/cadence-schema.ts';
import { stepChoice } from '../core/variant.ts';
import type { Lead } from './lead.ts';
import type { LeadStore } from './ports.ts';

/*
 * Which step variants a lead's answer is credited to (docs/architecture.md §5.3). A lead's weighted pick is what it
 * was sent unless autoPromote switched the step to its winner (§2.4): then only the touch records know.
 */

export interface StepVariantSent {
  readonly step: string;
  readonly variant: string;
}

/**
 * The variants the lead was sent in its last enrollment of `cadence`. With autoPromote, as each touch recorded it (one
 * GetItem per variant step, answers only); otherwise by its picks, which cost nothing and are exact there.
 */
export async function variantsAnswered(
  deps: { readonly store?: Pick<LeadStore, 'getTouch'> },
  cadence: Cadence,
  lead: Lead,
): Promise<StepVariantSent[]> {
  return cadence.autoPromote && deps.store && lead.lastEnrollment
    ? sentVariants(deps.store, cadence, lead.leadId, lead.lastEnrollment)
    : pickedVariants(cadence, lead);
}

/** The variants the lead's picks gave every variant step up to the one its last template came from. */
function pickedVariants(cadence: Cadence, lead: Lead): StepVariantSent[] {
  const choices = cadence.steps.map((step) => ({ step, ...stepChoice(step, lead.leadId, cadence.id) }));
  const reached = choices.findLastIndex((c) => c.template === lead.lastTemplate);
  return choices
    .slice(0, reached + 1)
    .flatMap((c) => (c.variant ? [{ step: c.step.id, variant: c.variant }] : []));
}

/** The variants the enrollment's touches of the variant steps sent: only a touch that went out is credited. */
async function sentVariants(
  store: Pick<LeadStore, 'getTouch'>,
  cadence: Cadence,
  leadId: string,
  enrollmentId: string,
): Promise<StepVariantSent[]> {
  const touches = await Promise.all(
    cadence.steps.map((step, stepIndex) =>
      step.variants ? store.getTouch({ leadId, enrollmentId, stepIndex }) : undefined,
    ),
  );
  // A file edited since may have moved its steps: a record of another step at this index is not this step's.
  return touches.flatMap((touch, i) =>
    touch?.status === 'sent' && touch.variant && touch.stepId === cadence.steps[i]?.id
      ? [{ step: touch.stepId, variant: touch.variant }]
      : [],
  );
}
