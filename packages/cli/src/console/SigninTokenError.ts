/** The federation endpoint refused the credentials, or answered something else than a token. */
export class SigninTokenError extends Error {
  override readonly name = 'SigninTokenError';
  readonly code = 'SigninTokenError';
}
