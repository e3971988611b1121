import { describe, expect, it } from 'vitest';
import { parseAmzDate } from '../../src/identity/parseAmzDate.ts';

describe('parseAmzDate', () => {
  it('reads an x-amz-date as the instant it names', () => {
    expect(parseAmzDate('20260101T120000Z')).toBe(Date.UTC(2026, 0, 1, 12, 0, 0));
    expect(parseAmzDate('20261231T235959Z')).toBe(Date.UTC(2026, 11, 31, 23, 59, 59));
  });

  it.each([
    ['nothing', undefined],
    ['an empty value', ''],
    ['ISO form', '2026-01-01T12:00:00Z'],
    ['no Z', '20260101T120000'],
    ['text before', 'x20260101T120000Z'],
    ['text after', '20260101T120000Zx'],
    ['a line after', '20260101T120000Z\n'],
    ['month 13', '20261301T120000Z'],
    ['the 31st of April', '20260431T120000Z'],
    ['hour 24', '20260101T240000Z'],
    ['second 60', '20260101T120060Z'],
    ['a two-digit year the clock would read as 19xx', '00500101T120000Z'],
    ['digits of another script', '٢٠٢٦0101T120000Z'],
  ])('refuses %s', (_case, value) => {
    expect(parseAmzDate(value)).toBeUndefined();
  });
});
