/**
 * The console sign-in URL: `…/federation?Action=login&Issuer=…&Destination=…&SigninToken=…`.
 * The sign-in token is the only credential in it; AWS accepts it for 15 minutes.
 *
 * @example
 * buildLoginUrl('https://signin.aws.amazon.com/federation', { issuer: 'stscreds', destination, signinToken });
 */
export function buildLoginUrl(
  federationEndpoint: string,
  login: { readonly issuer: string; readonly destination: string; readonly signinToken: string },
): string {
  const url = new URL(federationEndpoint);
  url.search = new URLSearchParams({
    Action: 'login',
    Issuer: login.issuer,
    Destination: login.destination,
    SigninToken: login.signinToken,
  }).toString();
  return url.toString();
}
