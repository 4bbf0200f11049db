import { readCadenceFile } from '../../functions/adapters/cadence-files.ts';
import { compileCadence } from '../../functions/core/compile.ts';
import { printJson } from '../output.ts';

export interface CompileOptions {
  readonly touchArn: string;
  readonly completeArn: string;
}

/** `followup cadence compile`: the Amazon States Language definition the stack deploys for this cadence. */
export async function compileCommand(file: string, options: CompileOptions): Promise<number> {
  const { result } = await readCadenceFile(file, { checkName: false });
  if (!result.ok) {
    for (const issue of result.issues) process.stderr.write(`${file}: ${issue.path}: ${issue.message}\n`);
    return 1;
  }
  printJson(
    compileCadence(result.cadence, {
      touchFunction: options.touchArn,
      completeFunction: options.completeArn,
    }),
  );
  return 0;
}
