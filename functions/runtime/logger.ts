import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '../domain/ports.ts';
import type { LogLevel } from './settings.ts';

/*
 * Powertools Logger behind the domain's Logger port: one JSON object per line with level, message, service,
 * timestamp and the X-Ray trace id, at the level given (else Powertools' own: POWERTOOLS_LOG_LEVEL, default INFO).
 * Lead ids, never addresses: fields that carry personal data are replaced, in case one slips into a call.
 */

const PERSONAL = new Set(['email', 'phone', 'name', 'to', 'address', 'company', 'note']);

const redact = (fields: Readonly<Record<string, unknown>> = {}) =>
  Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, PERSONAL.has(key) ? '[redacted]' : value]),
  );

export function createLogger(service: string, logLevel?: LogLevel): Logger {
  const logger = new PowertoolsLogger({ serviceName: service, ...(logLevel ? { logLevel } : {}) });
  return {
    info: (message, fields) => logger.info(message, redact(fields)),
    warn: (message, fields) => logger.warn(message, redact(fields)),
    error: (message, fields) => logger.error(message, redact(fields)),
  };
}
