import { GraphQLError } from 'graphql';

/** Every error a client can see carries one of these codes in `extensions.code`. */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  FORBIDDEN_FIELD = 'FORBIDDEN_FIELD',
  /** A field the caller may read only for a stated purpose: send it in the `x-tessera-purpose` header. */
  PURPOSE_REQUIRED = 'PURPOSE_REQUIRED',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  /** A dependency (a subgraph, the database) is unreachable; retrying later may succeed. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  /** Over a quota (hit/no-hit identifiers per minute or per day); `extensions.retryAfterSeconds` says when the same request would fit. */
  RATE_LIMITED = 'RATE_LIMITED',
  // Query shape limits at the gateway (gateway/limits.ts), each refused with HTTP 400 before planning.
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  TOO_MANY_REPEATED_FIELDS = 'TOO_MANY_REPEATED_FIELDS',
  TOO_MANY_ROOT_FIELDS = 'TOO_MANY_ROOT_FIELDS',
  QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY',
  DOCUMENT_TOO_LARGE = 'DOCUMENT_TOO_LARGE',
  BATCHING_NOT_ALLOWED = 'BATCHING_NOT_ALLOWED',
}

export function unauthenticated(reason = 'Authentication required'): GraphQLError {
  return new GraphQLError(reason, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

/** The caller may not perform this action at all (type/role level, never record level). */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function forbiddenField(subject: string, field: string): GraphQLError {
  return new GraphQLError(`Field ${subject}.${field} is not available to your agency`, {
    extensions: { code: ErrorCode.FORBIDDEN_FIELD, subject, field },
  });
}

export function purposeRequired(subject: string, field: string): GraphQLError {
  return new GraphQLError(`Field ${subject}.${field} is released only for a stated purpose: send it in the x-tessera-purpose header`, {
    extensions: { code: ErrorCode.PURPOSE_REQUIRED, subject, field },
  });
}

/** One message for "does not exist" and "exists but does not reach you": they must be indistinguishable. */
export function notFound(subject: string): GraphQLError {
  return new GraphQLError(`${subject} not found`, { extensions: { code: ErrorCode.NOT_FOUND } });
}

export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, field },
  });
}

export function conflict(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT, ...extra } });
}

export function serviceUnavailable(
  message = 'Service temporarily unavailable, try again later',
  extra: Record<string, unknown> = {},
  status?: number,
): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, ...extra, ...(status ? { http: { status } } : {}) } });
}

export function rateLimited(message: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds } });
}

/** graphql-js appends "Did you mean ...?" to validation and coercion messages; outside development that maps the schema for a caller. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
}

const CLIENT_CODES = new Set<string>(Object.values(ErrorCode));

/** Socket codes and Postgres SQLSTATEs that mean "no database right now": refused or lost connection, admin shutdown, crash shutdown, starting up, and the whole class 08 (connection exception). */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03']);
const isUnavailableCode = (code: string) => UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code);

/**
 * Whether an error (or anything it wraps: GraphQL originalError, TypeORM driverError, cause, the
 * value graphql-js wraps when something not an Error is thrown: thrownValue) is
 * the database being unreachable rather than a bug. Pass the original error as maskError's second
 * argument to answer those SERVICE_UNAVAILABLE instead of INTERNAL_SERVER_ERROR.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let cur: unknown = error;
  for (let i = 0; cur && typeof cur === 'object' && i < 8; i++) {
    const e = cur as { code?: unknown; message?: unknown; originalError?: unknown; driverError?: unknown; cause?: unknown; thrownValue?: unknown };
    if (typeof e.code === 'string' && isUnavailableCode(e.code)) return true;
    if (
      typeof e.message === 'string' &&
      /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/.test(e.message)
    )
      return true;
    cur = e.originalError ?? e.driverError ?? e.cause ?? e.thrownValue;
  }
  return false;
}

/**
 * What a client sees of a failure nobody coded, decided here only: the database being unreachable
 * (isDatabaseUnavailable) is SERVICE_UNAVAILABLE, retryable; anything else is INTERNAL_SERVER_ERROR
 * with `message` (generic: the original's text never passes).
 */
export function unexpectedError(original: unknown, message = 'Internal server error'): { message: string; extensions: { code: ErrorCode } } {
  if (isDatabaseUnavailable(original)) return { message: 'The database is unavailable; try again later', extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
  return { message, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

/**
 * Apollo `formatError`: errors we raised on purpose pass through; anything else is masked by
 * unexpectedError (the original is logged by the caller) and stack traces never leave.
 */
export function maskError(formatted: { message: string; extensions?: Record<string, unknown>; path?: unknown; locations?: unknown }, original?: unknown) {
  const code = formatted.extensions?.code;
  if (original !== undefined && isDatabaseUnavailable(original)) return { ...unexpectedError(original), path: formatted.path, locations: formatted.locations };
  // INTERNAL_SERVER_ERROR is also the code Apollo gives any error nobody coded: its message (SQL,
  // URLs, internals) never passes, only the generic one below.
  if (
    typeof code === 'string' &&
    code !== ErrorCode.INTERNAL_SERVER_ERROR &&
    (CLIENT_CODES.has(code) ||
      code === 'GRAPHQL_VALIDATION_FAILED' ||
      code === 'GRAPHQL_PARSE_FAILED' ||
      code === 'BAD_REQUEST' ||
      code === 'PERSISTED_QUERY_NOT_FOUND' ||
      code === 'OPERATION_RESOLUTION_FAILURE')
  ) {
    // `response` is what the gateway's HTTP data source attaches on a non-2xx subgraph answer (its URL and body).
    const { stacktrace: _stack, exception: _ex, response: _response, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { ...unexpectedError(original), path: formatted.path, locations: formatted.locations };
}
