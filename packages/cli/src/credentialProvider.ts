/**
 * The client's refreshing credential provider, for the commands that serve credentials to a
 * child process (`serve`, `exec --server`): imported on demand, like {@link ./brokerClient.ts}.
 */
export { fromStsCreds } from '@stscreds/client';
