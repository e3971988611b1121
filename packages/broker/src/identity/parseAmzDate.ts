const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * The instant an `x-amz-date` value (`20260101T120000Z`) names, in epoch milliseconds, or
 * undefined when it is not one, such as month 13 or the 31st of April.
 *
 * @example
 * parseAmzDate('20260101T120000Z'); // 1767268800000
 */
export function parseAmzDate(value: string | undefined): number | undefined {
  const parts = value === undefined ? null : AMZ_DATE.exec(value);
  if (!parts) return undefined;
  const [, y, mo, d, h, mi, s] = parts.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const instant = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 13/32 over into the next month; a genuine date reads back as itself.
  const back = new Date(instant)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return back === value ? instant : undefined;
}
