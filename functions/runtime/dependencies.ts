/*
 * Every function's dependencies, for the local runtime and the tests, which build them all. A Lambda entry file
 * imports its own function's module instead, so its bundle holds no other's wiring: Touch's brings the template
 * reader and its YAML parser (docs/architecture.md §9).
 */

export {
  completeDependencies,
  enrollmentSweeperDependencies,
  intakeDependencies,
} from './enroll-dependencies.ts';
export {
  inboundEmailDependencies,
  outcomeDependencies,
  sesEventsDependencies,
  shopEventsDependencies,
  shopWebhookDependencies,
  smsInboundDependencies,
  unsubscribeDependencies,
} from './signal-dependencies.ts';
export { touchDependencies, touchSettings } from './touch-dependencies.ts';
