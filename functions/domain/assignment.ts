import { nextOnDuty, onDuty, type Rep } from './owners.ts';

/*
 * Fair assignment of new leads (#15): weighted round-robin over the reps, skipping those off duty. The rotation's
 * position is one stored counter that every signup bumps atomically (`RotationCounter`), and the rep is a pure
 * function of the counter's value, so concurrent signups, retries and restarts never share or lose a turn.
 */

/** The stored position of the rotation: `next()` adds one and returns the new value (1, 2, 3, …). */
export interface RotationCounter {
  next(): Promise<number>;
}

export interface AssignmentDeps {
  readonly reps: readonly Rep[];
  readonly rotation: RotationCounter;
}

/**
 * One cycle of the rotation, as smooth weighted round-robin orders it: each rep appears `weight` times, spread out
 * (weights 3, 1 give A A B A rather than A A A B), so a short run of leads is shared as fairly as a long one.
 */
export function rotationCycle(reps: readonly Rep[]): readonly number[] {
  const total = reps.reduce((sum, rep) => sum + rep.weight, 0);
  const current = reps.map(() => 0);
  const cycle: number[] = [];
  for (let n = 0; n < total; n++) {
    let best = 0;
    reps.forEach((rep, i) => {
      current[i] = (current[i] ?? 0) + rep.weight;
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    });
    current[best] = (current[best] ?? 0) - total;
    cycle.push(best);
  }
  return cycle;
}

const cycles = new WeakMap<readonly Rep[], readonly number[]>();
const cycleOf = (reps: readonly Rep[]) => {
  let cycle = cycles.get(reps);
  if (!cycle) {
    cycle = rotationCycle(reps);
    cycles.set(reps, cycle);
  }
  return cycle;
};

/**
 * The rep the `turn`-th lead (the counter's value, from 1) goes to at `at`: that turn's rep if on duty, else the
 * next on duty in the cycle. When nobody is on duty, the rep whose hours start soonest (ties by the cycle): the lead
 * goes to whoever can call first, and a night's leads are still shared, rather than all landing on the fallback.
 */
export function pickRep(reps: readonly Rep[], turn: number, at: Date): Rep {
  const cycle = cycleOf(reps);
  const start = (((turn - 1) % cycle.length) + cycle.length) % cycle.length;
  const order = cycle.map((_, k) => reps[cycle[(start + k) % cycle.length] ?? 0] as Rep);
  const working = order.find((rep) => onDuty(rep, at));
  if (working) return working;
  let soonest = order[0] as Rep;
  for (const rep of order) {
    if (nextOnDuty(rep, at) < nextOnDuty(soonest, at)) soonest = rep;
  }
  return soonest;
}

/** The rep after `rep` in the rotation who is on duty at `at` (the first escalation); undefined if there is none. */
export function nextRep(reps: readonly Rep[], rep: string, at: Date): Rep | undefined {
  const index = reps.findIndex((r) => r.email === rep);
  for (let k = 1; k < reps.length; k++) {
    const candidate = reps[(Math.max(index, 0) + k) % reps.length] as Rep;
    if (candidate.email !== rep && onDuty(candidate, at)) return candidate;
  }
  return reps.find((r) => r.email !== rep);
}

/** Takes the rotation's next turn (one UpdateItem) and names the rep; only signups that create a lead call it. */
export async function assignRep(deps: AssignmentDeps, at: Date): Promise<Rep> {
  return pickRep(deps.reps, await deps.rotation.next(), at);
}
