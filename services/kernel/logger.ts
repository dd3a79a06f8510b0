import pino from 'pino';

/**
 * The one root logger. Children carry requestId, service, operationName and the actor. `redact`
 * covers tokens and the personal fields that must never reach a log line.
 */
export const rootLogger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
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
});

export type Logger = pino.Logger;
