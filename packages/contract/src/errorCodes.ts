/** The failure codes of contract v1. Callers may switch on them; they never change meaning. */
export const ERROR_CODES = [
  'ValidationError',
  'AccessDenied',
  'Throttled',
  'UpstreamError',
  'InternalError',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
