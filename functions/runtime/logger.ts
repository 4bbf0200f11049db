import type { Logger } from '../domain/ports.ts';

/*
 * One JSON object per line, the shape Lambda's JSON log format and Powertools use. Lead ids, never addresses: fields
 * that carry personal data are replaced, in case one slips into a call.
 */

const PERSONAL = new Set(['email', 'phone', 'name', 'to', 'address', 'company', 'note']);

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

const RANK: Record<string, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, CRITICAL: 4, SILENT: 5 };

/** The least severe level written, from POWERTOOLS_LOG_LEVEL as Powertools reads it (default INFO). */
function threshold(): number {
  return RANK[(process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO').toUpperCase()] ?? 1;
}

export function createLogger(
  service: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const log = (level: LogLevel, message: string, fields: Readonly<Record<string, unknown>> = {}) => {
    if ((RANK[level] ?? 0) < threshold()) return;
    const safe = Object.fromEntries(
      Object.entries(fields).map(([key, value]) => [key, PERSONAL.has(key) ? '[redacted]' : value]),
    );
    write(JSON.stringify({ level, message, service, timestamp: new Date().toISOString(), ...safe }));
  };
  return {
    info: (message, fields) => log('INFO', message, fields),
    warn: (message, fields) => log('WARN', message, fields),
    error: (message, fields) => log('ERROR', message, fields),
  };
}
