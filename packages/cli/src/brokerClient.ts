/**
 * What the commands need of the client to ask the broker: its signed requests, with the SDK's
 * signer and HTTP handler. Commands import this module only on demand, never statically, so
 * that a command that does not ask the broker (a cache hit, help) loads none of it. Light
 * parts of the client, such as its error classes, are imported directly.
 */
export { createCredentialRequester, resolveStsEndpoint } from '@stscreds/client';
