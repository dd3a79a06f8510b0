import pino from 'pino';
import { PERSONAL_FIELD_NAMES } from './personal-fields';

/**
 * The one root logger. Children carry requestId, service, operationName and the actor. `redact`
 * covers tokens, query variables and every personal field (kernel/personal-fields.ts).
 */
export function createLogger(destination?: pino.DestinationStream): pino.Logger {
  return pino(LOGGER_OPTIONS, destination);
}

const LOGGER_OPTIONS: pino.LoggerOptions = {
  level: process.env.LOG_LEVEL ?? 'info',
  base: { app: 'tessera' },
  redact: {
    paths: [
      'req.headers.authorization',
      'headers.authorization',
      'authorization',
      'token',
      '*.token',
      'variables',
      '*.variables',
      ...PERSONAL_FIELD_NAMES.flatMap((name) => [name, `*.${name}`]),
    ],
    censor: '[redacted]',
  },
};

export const rootLogger = createLogger();

export type Logger = pino.Logger;
