import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mailboxOf, postLeadJson, startTestRuntime, type TestRuntime, tempDir } from './harness.ts';

/*
 * Many engines in one process (docs/architecture.md §1.3): each is built from its own settings and clients, with no
 * state in process.env or module singletons, so two engines with different configs never see each other's settings,
 * table or mail.
 */

const ROOT = new URL('../..', import.meta.url).pathname;

/** A copy of this project whose config names another business and sender. */
function otherProject(): { path: string; remove: () => void } {
  const dir = tempDir('followup-engines-');
  for (const folder of ['cadences', 'templates'])
    cpSync(join(ROOT, folder), join(dir.path, folder), { recursive: true });
  const config = JSON.parse(readFileSync(join(ROOT, 'followup.config.json'), 'utf8'));
  config.business.name = 'Contoso Bikes';
  config.sender = {
    ...config.sender,
    email: 'hello@contoso.example',
    name: 'Contoso Bikes',
    identity: 'contoso.example',
  };
  writeFileSync(join(dir.path, 'followup.config.json'), JSON.stringify(config, null, 2));
  return dir;
}

describe('two engines in one process', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('keep their own settings, table and mailbox', async () => {
    // Arrange: this project's engine and another project's, started side by side
    const project = otherProject();
    cleanup.push(project.remove);
    const engines: TestRuntime[] = await Promise.all([
      startTestRuntime(),
      // The copy has no lib/ to synthesize its IAM from; the first engine is checked against the stack's.
      startTestRuntime({ iam: 'off', root: project.path }),
    ]);
    for (const engine of engines) cleanup.push(() => engine.stop());
    const [example, contoso] = engines as [TestRuntime, TestRuntime];

    // Act: one signup each, at the same instant
    const [a, b] = await Promise.all([
      postLeadJson(example.url, { email: 'ada@example.org', name: 'Ada' }),
      postLeadJson(contoso.url, { email: 'bo@example.org', name: 'Bo' }),
    ]);
    await Promise.all([example.settle(), contoso.settle()]);

    // Assert: each first email comes from its own business, and each engine knows only its own lead
    expect([a.status, b.status]).toEqual([202, 202]);
    const [exampleMail, contosoMail] = await Promise.all([mailboxOf(example.url), mailboxOf(contoso.url)]);
    expect(exampleMail.map((m) => [m.destination.to, m.from])).toEqual([
      [['ada@example.org'], 'Example Co Sales <sales@example.com>'],
    ]);
    expect(contosoMail.map((m) => [m.destination.to, m.from])).toEqual([
      [['bo@example.org'], 'Contoso Bikes <hello@contoso.example>'],
    ]);
    expect(contosoMail[0]?.text).toContain('Contoso Bikes');
    expect(contosoMail[0]?.text).not.toContain('Example Co');
    const leadsOf = async (engine: TestRuntime) =>
      ((await (await fetch(`${engine.url}/api/leads`)).json()) as { leads: { email: string }[] }).leads.map(
        (l) => l.email,
      );
    expect(await leadsOf(example)).toEqual(['ada@example.org']);
    expect(await leadsOf(contoso)).toEqual(['bo@example.org']);
  });
});
