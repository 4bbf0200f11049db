import fc from 'fast-check';

// Property tests explore a fixed seed so CI is reproducible; set FC_SEED to explore others (and FC_RUNS where a
// test reads it). A failure prints its seed and counterexample: add the counterexample as a plain test.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261122) });
