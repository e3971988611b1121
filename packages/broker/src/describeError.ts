const MAX_MESSAGE_CHARS = 300;

/** Query-string and header forms in which a signature or token could ride inside a message. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /(Signature=)[^\s,&"]+/gi,
  /(X-Amz-Security-Token=)[^\s,&"]+/gi,
  /(SecretAccessKey["':=\s]+)[^\s,&"]+/gi,
  /(SessionToken["':=\s]+)[^\s,&"]+/gi,
  // A long run of base64 is a token, a key or a signature far more often than anything else:
  // an error that quotes a header (a fetch error does) must not carry its value to the log.
  /()[A-Za-z0-9+/]{32,}={0,2}/g,
];

const scrub = (text: string): string => {
  const scrubbed = SECRET_PATTERNS.reduce((acc, pattern) => acc.replace(pattern, '$1[redacted]'), text);
  return scrubbed.length > MAX_MESSAGE_CHARS ? `${scrubbed.slice(0, MAX_MESSAGE_CHARS - 1)}…` : scrubbed;
};

/** The parts of an error that are safe and useful in a log line. */
export interface ErrorDescription {
  readonly name: string;
  readonly message: string;
  readonly httpStatusCode?: number;
  readonly upstreamRequestId?: string;
}

/**
 * Describes an error for a log line without its stack, its raw response or anything in it
 * that looks like a signature or a secret.
 *
 * @example
 * logger.error('STS failed', { cause: describeError(error.cause) });
 */
export function describeError(error: unknown): ErrorDescription {
  if (!(error instanceof Error)) {
    return { name: typeof error, message: scrub(String(error)) };
  }
  const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
  return {
    name: error.name,
    message: scrub(error.message),
    ...(metadata?.httpStatusCode !== undefined && { httpStatusCode: metadata.httpStatusCode }),
    ...(metadata?.requestId !== undefined && { upstreamRequestId: metadata.requestId }),
  };
}
