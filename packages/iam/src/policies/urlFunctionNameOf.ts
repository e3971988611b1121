/**
 * The name of the function that takes the Function URL, next to the one taking direct
 * invokes. Lambda allows 64 characters, so the invoke function's name may have at most 60.
 *
 * @example
 * urlFunctionNameOf('getSTScreds'); // 'getSTScreds-url'
 */
export const urlFunctionNameOf = (functionName: string): string => `${functionName}-url`;
