import fc from 'fast-check';

// Property tests explore a fixed seed so CI is reproducible; set FC_SEED to explore others (and FC_RUNS where a
// test reads it). A failure prints its seed and counterexample: add the counterexample as a plain test.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261122) });

// The engine runs on Node 20 here (docs/architecture.md §7); the SDK's notice about it would fill every test's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
