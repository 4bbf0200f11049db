import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getJson,
  type LeadApiView,
  showLogsOnFailure,
  startTestRuntime,
  type TestRuntime,
} from '../integ/harness.ts';

/*
 * A person signs up through the example form in a real browser (Debian's Chromium, driven by playwright-core), then
 * a rep finds them on the dashboard and opens their schedule. Screenshots of each page at desktop and phone widths
 * go to a temp dir (SCREENSHOT_DIR keeps them for a look).
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 375, height: 800 },
] as const;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const LEAD = { email: 'robin.diaz@example.com', name: 'Robin Díaz', company: 'Bluebird Bakery' };

let engine: TestRuntime;
let browser: Browser | undefined;
let shots: string;
const keepShots = process.env.SCREENSHOT_DIR !== undefined;

/** Chromium, launched once; each test fails (is never skipped) with how to install it when it is missing. */
async function theBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser test needs Chromium at ${CHROMIUM}, and it is missing. Install it with: apt-get install -y chromium`,
    );
  }
  browser ??= await chromium.launch({ headless: true, executablePath: CHROMIUM, args: ARGS });
  return browser;
}

beforeAll(async () => {
  shots = process.env.SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'followup-shots-'));
  engine = await startTestRuntime();
});

afterAll(async () => {
  await browser?.close();
  await engine?.stop();
  if (shots && !keepShots) rmSync(shots, { recursive: true, force: true });
});

/** A page that reaches only the local runtime, and remembers every script error it sees. */
async function openPage(viewport: {
  width: number;
  height: number;
}): Promise<{ page: Page; errors: string[] }> {
  const context = await (await theBrowser()).newContext({
    viewport,
    timezoneId: 'America/Chicago',
    locale: 'en-US',
  });
  await context.route(
    (url) => url.origin !== new URL(engine.url).origin,
    (route) => route.abort(),
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`).toBe(true);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('signing up in a browser', () => {
  it('the form leads to /thanks, the lead shows on the dashboard, and its page shows the schedule', async ({
    onTestFailed,
  }) => {
    showLogsOnFailure(onTestFailed);
    // Prepare
    const { page, errors } = await openPage(VIEWPORTS[0]);

    // Act: sign up
    await page.goto(`${engine.url}/form`);
    await page.getByLabel('Email').fill(LEAD.email);
    await page.getByLabel('Name').fill(LEAD.name);
    await page.getByLabel('Company').fill(LEAD.company);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(`${engine.url}/thanks`);

    // Assess: thanked
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Thank you');

    // Act: the engine runs the first touch; a rep opens the dashboard
    await engine.settle();
    await page.goto(`${engine.url}/`);

    // Assess: the lead is in the leads table
    const leads = page.locator('section[aria-labelledby="leads-h"] table');
    const row = leads.locator('tbody tr', { hasText: LEAD.name });
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain(LEAD.company);

    // Act: open the lead
    await row.getByRole('link', { name: LEAD.name }).click();
    await page.waitForURL(/\/leads\/[A-Za-z0-9_-]+$/);

    // Assess: the lead's page shows its schedule, each step, the first one sent, in the browser's time zone
    const leadId = new URL(page.url()).pathname.split('/').at(-1) as string;
    const view = await getJson<LeadApiView>(`${engine.url}/api/leads/${leadId}`);
    expect(view.lead.zone).toBe('America/Chicago');
    const timeline = page.locator('ol.timeline');
    const text = (await timeline.textContent()) ?? '';
    for (const step of view.schedule) expect(text).toContain(step.step);
    expect(text).toContain('CDT');
    await expect(
      timeline.locator('li', { hasText: view.schedule[0]?.step ?? '' }).textContent(),
    ).resolves.toContain('Sent');
    await expect(page.locator('h1').textContent()).resolves.toContain(LEAD.name);
    expect(errors).toEqual([]);
    await page.context().close();

    // Act: screenshots of the dashboard, the form and the lead's page, wide and narrow
    const pages = { dashboard: '/', form: '/form', lead: `/leads/${leadId}` };
    const files: { file: string; width: number }[] = [];
    for (const viewport of VIEWPORTS) {
      const shot = await openPage(viewport);
      for (const [name, path] of Object.entries(pages)) {
        await shot.page.goto(`${engine.url}${path}`);
        const file = join(shots, `${name}-${viewport.width}x${viewport.height}.png`);
        await shot.page.screenshot({ path: file, fullPage: true });
        files.push({ file, width: viewport.width });
      }
      expect(shot.errors).toEqual([]);
      await shot.page.context().close();
    }

    // Assess: six PNGs, each as wide as its viewport and at least as tall
    expect(files).toHaveLength(6);
    for (const { file, width } of files) {
      const size = pngSize(file);
      expect(size.width, file).toBe(width);
      expect(size.height, file).toBeGreaterThanOrEqual(800);
    }
  });

  it('an address the browser accepts but the server does not comes back as the form: the error by the field, the typing kept', async ({
    onTestFailed,
  }) => {
    showLogsOnFailure(onTestFailed);
    // Prepare
    const { page } = await openPage(VIEWPORTS[1]);
    await page.goto(`${engine.url}/form`);

    // Act: "jo@example" passes the browser's own email check, not the intake's
    await page.getByLabel('Email').fill('jo@example');
    await page.getByLabel('Name').fill('Jo March');
    await page.getByLabel('Company').fill('March & Daughters');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${engine.url}/leads` && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Send' }).click(),
    ]);
    await page.waitForLoadState();

    // Assess
    expect(response.status()).toBe(400);
    const email = page.getByLabel('Email');
    await expect(email.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(email.inputValue()).resolves.toBe('jo@example');
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe('Jo March');
    await expect(page.getByLabel('Company').inputValue()).resolves.toBe('March & Daughters');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    await expect(page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent()).resolves.toMatch(
      /^Email needs a domain with a dot after the @/,
    );
    await page.context().close();
  });
});
