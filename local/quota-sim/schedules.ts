import type { Cadence } from '../../functions/core/cadence-schema.ts';
import {
  computeSchedule,
  isImmediate,
  minutesOfDay,
  resolveWindow,
  spreadFraction,
  spreadMinutes,
} from '../../functions/core/schedule.ts';
import type { Arrivals } from './arrivals.ts';
import { ZONES } from './arrivals.ts';

/*
 * Every lead's touch instants, from the real computeSchedule (functions/core/schedule.ts), without calling it 100,000
 * times. Within one zone a schedule is a function of the signup second t and the spread offset o whose pieces are
 * "rides along" (slope 1) or "pinned" (slope 0, e.g. moved to a window's start). A cell of (t, o) whose corners and
 * centre computed exactly fit one such affine piece per touch takes it for every lead inside; any other cell is split,
 * down to computing a lead exactly. test/unit/local/quota-sim/schedules.test.ts checks it against a direct call.
 */

export interface Schedules {
  readonly steps: number;
  /** Epoch ms of lead i's touch k at [i * steps + k]. */
  readonly at: Float64Array;
  /** computeSchedule calls it took. */
  readonly exactCalls: number;
}

/** Seconds a spread can move a touch; 1 without a spread. */
export function spreadSeconds(cadence: Cadence): number {
  const minutes = spreadMinutes(cadence);
  return minutes === undefined ? 1 : Math.max(1, Math.round(minutes * 60));
}

/**
 * One lead id per spread offset o in [0, S): its SHA-256 place puts it at floor(fraction × S) = o, so the real
 * computation, handed that id, spreads the touch as it would a lead whose hash landed there.
 */
export function spreadIds(size: number): string[] {
  const ids: (string | undefined)[] = new Array(size);
  let missing = size;
  for (let n = 0; missing > 0; n++) {
    const id = `quota-sim-${n}`;
    const o = Math.floor(spreadFraction(id) * size);
    if (ids[o] === undefined) {
      ids[o] = id;
      missing--;
    }
  }
  return ids as string[];
}

/** The longest stretch of signups a cell may span: half the shortest time a window is shut, at most an hour. */
function firstCellSeconds(cadence: Cadence): number {
  let shortestShut = 24 * 3600;
  for (const step of cadence.steps) {
    if (isImmediate(step)) continue;
    const w = resolveWindow(cadence, step);
    shortestShut = Math.min(shortestShut, (24 * 60 - (minutesOfDay(w.end) - minutesOfDay(w.start))) * 60);
  }
  return Math.max(60, Math.min(3600, Math.floor(shortestShut / 2)));
}

interface Cell {
  readonly t0: number;
  readonly t1: number;
  readonly o0: number;
  readonly o1: number;
}

/** The instants of every lead's touches under `cadence`, each lead in its zone. */
export function leadSchedules(cadence: Cadence, leads: Arrivals): Schedules {
  const steps = cadence.steps.length;
  const size = spreadSeconds(cadence);
  const spread = spreadMinutes(cadence) !== undefined;
  const ids = spread ? spreadIds(size) : [];
  const at = new Float64Array(leads.zone.length * steps);
  const offsetOf = (i: number) => (spread ? Math.floor((leads.spread[i] as number) * size) : 0);
  let exactCalls = 0;
  const cellSeconds = firstCellSeconds(cadence);

  ZONES.forEach(({ zone }, z) => {
    const midnight = leads.midnight[z] as number;
    const memo = new Map<number, Float64Array>();
    const exact = (t: number, o: number): Float64Array => {
      const key = t * size + o;
      let found = memo.get(key);
      if (!found) {
        exactCalls++;
        const touches = computeSchedule(
          cadence,
          new Date(midnight + t * 1000),
          zone,
          spread ? { leadId: ids[o] } : {},
        );
        found = Float64Array.from(touches, (touch) => Date.parse(touch.at));
        memo.set(key, found);
      }
      return found;
    };
    const place = (i: number, base: Float64Array, a: Uint8Array, b: Uint8Array, dt: number, doff: number) => {
      for (let k = 0; k < steps; k++) {
        at[i * steps + k] = (base[k] as number) + ((a[k] as number) * dt + (b[k] as number) * doff) * 1000;
      }
    };
    const solve = (cell: Cell, members: number[]): void => {
      if (members.length === 0) return;
      const { t0, t1, o0, o1 } = cell;
      if (members.length <= 2 || (t0 === t1 && o0 === o1)) {
        for (const i of members) {
          const t = leads.second[i] as number;
          at.set(exact(t, offsetOf(i)), i * steps);
        }
        return;
      }
      const fit = affine(exact, cell, steps);
      if (typeof fit === 'object') {
        for (const i of members)
          place(i, fit.base, fit.a, fit.b, (leads.second[i] as number) - t0, offsetOf(i) - o0);
        return;
      }
      const splitTime = fit === 't';
      const mid = splitTime ? Math.floor((t0 + t1) / 2) : Math.floor((o0 + o1) / 2);
      const low: number[] = [];
      const high: number[] = [];
      for (const i of members) {
        const v = splitTime ? (leads.second[i] as number) : offsetOf(i);
        (v <= mid ? low : high).push(i);
      }
      solve(splitTime ? { ...cell, t1: mid } : { ...cell, o1: mid }, low);
      solve(splitTime ? { ...cell, t0: mid + 1 } : { ...cell, o0: mid + 1 }, high);
    };
    const byCell = new Map<number, number[]>();
    for (let i = 0; i < leads.zone.length; i++) {
      if (leads.zone[i] !== z) continue;
      const c = Math.floor((leads.second[i] as number) / cellSeconds);
      const list = byCell.get(c);
      if (list) list.push(i);
      else byCell.set(c, [i]);
    }
    for (const [c, members] of byCell) {
      solve({ t0: c * cellSeconds, t1: c * cellSeconds + cellSeconds - 1, o0: 0, o1: size - 1 }, members);
    }
  });
  return { steps, at, exactCalls };
}

/** The cell's affine piece per touch (slopes 0 or 1 in t and in o), or the dimension to split it along. */
function affine(
  exact: (t: number, o: number) => Float64Array,
  { t0, t1, o0, o1 }: Cell,
  steps: number,
): { base: Float64Array; a: Uint8Array; b: Uint8Array } | 't' | 'o' {
  const base = exact(t0, o0);
  const endT = exact(t1, o0);
  const endO = exact(t0, o1);
  const far = exact(t1, o1);
  const tm = Math.floor((t0 + t1) / 2);
  const om = Math.floor((o0 + o1) / 2);
  const centre = exact(tm, om);
  const a = new Uint8Array(steps);
  const b = new Uint8Array(steps);
  const longer = t1 - t0 >= o1 - o0 ? 't' : 'o';
  const slope = (d: number, span: number) => (d === 0 ? 0 : span > 0 && d === span * 1000 ? 1 : -1);
  for (let k = 0; k < steps; k++) {
    const b0 = base[k] as number;
    const sa = slope((endT[k] as number) - b0, t1 - t0);
    const sb = slope((endO[k] as number) - b0, o1 - o0);
    // The edge that breaks the pattern names the dimension in which the touch changes its piece.
    if (sa < 0 || slope((far[k] as number) - (endO[k] as number), t1 - t0) !== sa) return t1 > t0 ? 't' : 'o';
    if (sb < 0 || slope((far[k] as number) - (endT[k] as number), o1 - o0) !== sb) return o1 > o0 ? 'o' : 't';
    if (centre[k] !== b0 + (sa * (tm - t0) + sb * (om - o0)) * 1000) return longer;
    a[k] = sa;
    b[k] = sb;
  }
  return { base, a, b };
}
