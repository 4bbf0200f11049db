#!/usr/bin/env node
// The published entry point: runs the TypeScript CLI through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every run that Node 20 support ends in 2027; Lambda runs 22, and the CLI's output stays clean.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./followup.ts');
