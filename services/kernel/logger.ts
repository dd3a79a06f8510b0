import pino from 'pino';

/**
 * The one root logger. Children carry requestId, service, operationName and the actor. `redact`
 * covers tokens and the personal fields that must never reach a log line.
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
      'text',
      '*.text',
      'fullName',
      '*.fullName',
      'dateOfBirth',
      '*.dateOfBirth',
      'contact',
      '*.contact',
      'documents',
      '*.documents',
    ],
    censor: '[redacted]',
  },
};

export const rootLogger = createLogger();

export type Logger = pino.Logger;
