import type { Logger } from '../domain/ports.ts';

/*
 * One JSON object per line, the shape Lambda's JSON log format and Powertools use. Lead ids, never addresses: fields
 * that carry personal data are replaced, in case one slips into a call.
 */

const PERSONAL = new Set(['email', 'phone', 'name', 'to', 'address', 'company', 'note']);

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

export function createLogger(
  service: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const log = (level: LogLevel, message: string, fields: Readonly<Record<string, unknown>> = {}) => {
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
