import { CHECK_NAMES, type CheckState, type DoctorReport } from './AccountHealth.ts';

const WORD: Record<CheckState, string> = { ok: 'ok', drift: 'DRIFT', skipped: '-', error: 'ERROR' };

/**
 * The doctor report as lines for a terminal: one row per account with each check's state,
 * then what is wrong with each account that is not healthy.
 *
 * @example
 * for (const line of formatDoctorTable(report)) console.log(line);
 * // ACCOUNT       NAME     ROLE  TRUST  POLICIES  ASSUME  REVOCATIONS
 * // 222222222222  prod     ok    ok     ok        ok      ok
 */
export function formatDoctorTable(report: DoctorReport): string[] {
  const header = ['ACCOUNT', 'NAME', ...CHECK_NAMES.map((c) => c.toUpperCase())];
  const rows = report.accounts.map((a) => [
    a.accountId,
    a.name,
    ...CHECK_NAMES.map((c) => WORD[a.checks[c].state]),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = [line(header), ...rows.map(line)];
  const unhealthy = report.accounts.filter((a) => !a.healthy);
  for (const account of unhealthy) {
    for (const name of CHECK_NAMES) {
      const check = account.checks[name];
      if (check.state === 'drift' || check.state === 'error') {
        lines.push(`${account.accountId} ${account.name}: ${name}: ${check.detail}`);
      }
    }
  }
  const skippedAccounts = report.accounts.filter((a) => a.status !== 'ACTIVE').length;
  lines.push(
    unhealthy.length === 0
      ? `All ${report.accounts.length} accounts healthy${skippedAccounts ? ` (${skippedAccounts} not active, not checked)` : ''}.`
      : `${unhealthy.length} of ${report.accounts.length} accounts drifted.`,
  );
  return lines;
}
