import { dirname, relative, resolve } from 'node:path';
import { readCadenceFile } from '../../functions/adapters/cadence-files.ts';
import { loadTemplate } from '../../functions/adapters/template-files.ts';
import { UsageError } from '../../functions/core/errors.ts';
import { type SentTouch, sendTestTouches } from '../cadence-test/send.ts';
import { awsTarget, localTarget, type SendTarget } from '../cadence-test/targets.ts';
import { type Terminal, table } from '../output.ts';
import { dataFolderLabel, localDataDir, onAws, type TargetOptions } from '../targets.ts';

/* `followup cadence test FILE --to ADDRESS`: every touch of a cadence once, to a test address, no lead touched. */

export interface CadenceTestOptions extends TargetOptions {
  readonly to?: string;
  readonly phone?: string;
  readonly templates: string;
  readonly cadences: string;
  readonly json?: boolean;
}

/** Two sends a second at most: well under SES's lowest sending rate (1 a second in the sandbox is per recipient). */
export const SEND_INTERVAL_MS = 500;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** Sends, with `target` chosen by the options unless a test hands one in. */
export async function cadenceTest(
  file: string,
  options: CadenceTestOptions,
  target?: SendTarget,
  pause: () => Promise<void> = () => new Promise((done) => setTimeout(done, SEND_INTERVAL_MS)),
): Promise<{ sent: SentTouch[]; label: string }> {
  if (!options.to || !EMAIL.test(options.to))
    throw new UsageError(
      `--to ${options.to ?? '(missing)'}: give the email address to send the test to, e.g. --to you@example.com`,
    );
  if (options.phone !== undefined && !E164.test(options.phone))
    throw new UsageError(`--phone "${options.phone}" is not an E.164 number; use e.g. --phone +13125550142`);
  const { result } = await readCadenceFile(file, { checkName: false });
  if (!result.ok) {
    const first = result.issues[0];
    throw new UsageError(
      `${file}: ${first?.path}: ${first?.message} (see \`followup cadence validate ${file}\`)`,
    );
  }
  const to =
    target ??
    (onAws(options)
      ? await awsTarget(options)
      : await localTarget(
          localDataDir(options),
          resolve(dirname(resolve(options.cadences))),
          dataFolderLabel(options),
        ));
  try {
    const sent = await sendTestTouches(
      result.cadence,
      { to: options.to, ...(options.phone ? { phone: options.phone } : {}) },
      {
        mailer: to.mailer,
        ...(to.sms ? { sms: to.sms } : {}),
        templates: (name) => loadTemplate(options.templates, name),
        settings: to.settings,
        pause,
        now: () => new Date(),
      },
    );
    return { sent, label: to.label };
  } finally {
    to.close();
  }
}

/** `followup cadence test FILE --to ADDRESS [--phone E164] [--aws] [--json]`. */
export async function cadenceTestCommand(
  file: string,
  options: CadenceTestOptions,
  terminal: Terminal = process,
): Promise<number> {
  const { sent, label } = await cadenceTest(file, options);
  if (options.json) {
    terminal.stdout.write(`${JSON.stringify(sent, null, 2)}\n`);
    return 0;
  }
  const name = relative(process.cwd(), file) || file;
  terminal.stdout.write(
    [
      `Sent ${sent.length} test message${sent.length === 1 ? '' : 's'} of ${name} through ${label}; no lead was written.`,
      '',
      table([
        ['step', 'channel', 'template', 'to', 'subject'],
        ...sent.map((s) => [s.step, s.channel, s.template, s.to, s.subject ?? '(text)']),
      ]),
      '',
    ].join('\n'),
  );
  return 0;
}
