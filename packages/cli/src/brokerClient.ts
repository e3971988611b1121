/**
 * What the commands need of the client to reach the broker, which loads the AWS SDK's Lambda
 * client and credential providers. Commands import this module only on demand, never
 * statically, so that a command that does not ask the broker (a cache hit, help) loads none
 * of it. Light parts of the client, such as its error classes, are imported directly.
 */
export { createCredentialRequester, fromStsCreds, resolveStsEndpoint } from '@stscreds/client';
