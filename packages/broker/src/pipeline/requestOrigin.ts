import type { Caller } from '../identity/caller.ts';

/** How the request reached the broker, and what that entry already proved about the caller. */
export type RequestOrigin =
  | { readonly kind: 'invoke' }
  | { readonly kind: 'function-url'; readonly caller?: Caller };
