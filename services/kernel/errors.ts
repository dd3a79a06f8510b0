import { GraphQLError } from 'graphql';

/** Every error a client can see carries one of these codes in `extensions.code`. */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  FORBIDDEN_FIELD = 'FORBIDDEN_FIELD',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
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

const CLIENT_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * Apollo `formatError`: errors we raised on purpose pass through; anything else is masked to
 * INTERNAL_SERVER_ERROR (the original is logged by the caller) and stack traces never leave.
 */
export function maskError(formatted: { message: string; extensions?: Record<string, unknown>; path?: unknown; locations?: unknown }) {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (CLIENT_CODES.has(code) || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED' || code === 'BAD_REQUEST' || code === 'PERSISTED_QUERY_NOT_FOUND' || code === 'OPERATION_RESOLUTION_FAILURE')) {
    const { stacktrace: _stack, exception: _ex, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
