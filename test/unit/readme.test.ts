import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORM_SNIPPET } from '../../web/form.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('opens with the two commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm ci && npm test');
  });

  it('shows the signup form snippet exactly as the code ships it', () => {
    expect(readme).toContain(FORM_SNIPPET);
  });

  it('runs in CI exactly the test command it tells users to run', () => {
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
