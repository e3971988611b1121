export { buildLoginUrl } from './buildLoginUrl.ts';
export { consoleDestination } from './consoleDestination.ts';
export type { ConsoleEndpoints } from './consoleEndpoints.ts';
export { consoleEndpoints } from './consoleEndpoints.ts';
export type { SigninTokenOptions } from './requestSigninToken.ts';
export { requestSigninToken } from './requestSigninToken.ts';
export { SigninTokenError } from './SigninTokenError.ts';
