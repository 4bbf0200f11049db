/*
 * The first request of each kind pays for loading modules, building the SDK clients' middleware and opening their
 * sockets: the runtime makes those requests itself at start, ones that change nothing, so the first person to post a
 * lead or open the dashboard does not wait for it (docs/architecture.md §7).
 */
export async function warmUp(url: string): Promise<void> {
  const answers = await Promise.all([
    // An empty signup: the intake validates it and answers 400 before it writes anything.
    fetch(`${url}/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
    }),
    fetch(`${url}/api/leads?limit=1`),
    fetch(`${url}/api/leads/ld_warmup`),
  ]);
  await Promise.all(answers.map((answer) => answer.arrayBuffer()));
}
