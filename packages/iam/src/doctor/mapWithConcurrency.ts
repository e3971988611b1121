/**
 * Maps items with at most `limit` calls in flight, keeping the input order in the answer.
 * doctor uses it to stay far below the STS quota however many accounts there are.
 *
 * @example
 * const health = await mapWithConcurrency(accounts, 4, (account) => checkAccount(account));
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
