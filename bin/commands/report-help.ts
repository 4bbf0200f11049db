/*
 * Field docs of `followup report --help`, in a module of its own: bin/followup.ts imports it at start, and the report
 * command itself (with the SDK) loads only when it runs.
 */

export const SPEED_TO_LEAD_HELP = `  speed to lead        from a lead's arrival (the start of the enrollment it came in by: a signup, an import
                       row, a cart; not a cadence's "then" nor a snooze's re-engage) to its first touch
                       (firstTouch) and to its first human touch (humanTouch: a call or task its rep marked done
                       from the task email, with "Done" or any outcome), overall, per cadence (byCadence) and per
                       rep, the lead's owner (byOwner; "" for the default owner). Each has {leads, p50, p95,
                       withinHourRate, histogram}: delays are counted in buckets (buckets: ≤ 1 min, 5, 15 min,
                       1 h, 4 h, 24 h, 3 d, > 3 d), so p50 and p95 are {label, upToMs}: the bound of the bucket
                       they fall in ("≤ 5 min"), not an exact time; withinHourRate: the share reached within 1 h`;

export const REPORT_JSON_HELP =
  'print {byTouch: [{touch, sent, replies, responseRate, positiveReplies, positiveReplyRate, ...}], positiveReplyRate, meetingsPer100Enrolled, conversionRate, avgTouchesToClose, revenueRecovered, cadences, speedToLead: {buckets, firstTouch, humanTouch, byCadence, byOwner}, promotions: [{cadenceId, stepId, variants, variant, decideOn, probabilityBest, sent, at}], ...}';
