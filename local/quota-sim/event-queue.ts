/*
 * The discrete-event simulation's agenda: a binary min-heap of (time, payload) in typed arrays, ordered by time and
 * then by insertion, so events at the same instant run in the order they were scheduled: a run is the same on every
 * machine. A payload is a number the caller packs (a million objects on a heap cost more than the simulation).
 */

export class EventQueue {
  private at = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private payload = new Float64Array(1024);
  private length = 0;
  private counter = 0;
  /** Time and payload of the event the last pop returned. */
  time = 0;
  value = 0;

  get size(): number {
    return this.length;
  }

  push(at: number, payload: number): void {
    if (this.length === this.at.length) this.grow();
    const { at: times, seq, payload: values } = this;
    const order = this.counter++;
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < at || (pt === at && (seq[parent] as number) < order)) break;
      times[i] = pt;
      seq[i] = seq[parent] as number;
      values[i] = values[parent] as number;
      i = parent;
    }
    times[i] = at;
    seq[i] = order;
    values[i] = payload;
  }

  /** Takes the earliest event into `time` and `value`; false when none is left. */
  pop(): boolean {
    if (this.length === 0) return false;
    const { at: times, seq, payload: values } = this;
    this.time = times[0] as number;
    this.value = values[0] as number;
    const n = --this.length;
    const lt = times[n] as number;
    const ls = seq[n] as number;
    const lv = values[n] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n) {
        const rt = times[right] as number;
        const ct = times[child] as number;
        if (rt < ct || (rt === ct && (seq[right] as number) < (seq[child] as number))) child = right;
      }
      const ct = times[child] as number;
      if (lt < ct || (lt === ct && ls < (seq[child] as number))) break;
      times[i] = ct;
      seq[i] = seq[child] as number;
      values[i] = values[child] as number;
      i = child;
    }
    times[i] = lt;
    seq[i] = ls;
    values[i] = lv;
    return true;
  }

  private grow(): void {
    const size = this.at.length * 2;
    for (const key of ['at', 'seq', 'payload'] as const) {
      const bigger = new Float64Array(size);
      bigger.set(this[key]);
      this[key] = bigger;
    }
  }
}
