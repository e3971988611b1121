/**
 * Shows enough of an access key id to tell keys apart, and no more.
 *
 * @example
 * redactKeyId('ASIAQWERTYUIOPASABCD'); // 'ASIA****ABCD'
 */
export function redactKeyId(accessKeyId: string): string {
  if (accessKeyId.length < 12) return '****';
  return `${accessKeyId.slice(0, 4)}****${accessKeyId.slice(-4)}`;
}
