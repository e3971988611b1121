import type { ChainResult } from './ChainModel.ts';

/**
 * Lays chain results out as a table, account × role × caller → result, with the reason. A
 * row whose result was not the expected one is marked `✘ UNEXPECTED`.
 *
 * @example
 * for (const line of formatChainTable(results)) console.log(line);
 */
export function formatChainTable(results: readonly ChainResult[]): string[] {
  const rows = results.map((r) => [
    r.unexpected ? '✘' : '✔',
    r.account,
    r.role,
    `${r.caller} (${r.callerArn})`,
    r.unexpected ? `${r.actual} ✘ UNEXPECTED` : r.actual,
    r.reason,
  ]);
  const header = ['', 'ACCOUNT', 'ROLE', 'CALLER', 'RESULT', 'REASON'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
