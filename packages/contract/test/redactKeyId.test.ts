import { describe, expect, it } from 'vitest';
import { redactKeyId } from '../src/redactKeyId.ts';

describe('redactKeyId', () => {
  it('keeps the prefix and the last four characters', () => {
    expect(redactKeyId('ASIAQWERTYUIOPASABCD')).toBe('ASIA****ABCD');
  });

  it('hides short values entirely', () => {
    expect(redactKeyId('ASIA1234')).toBe('****');
  });
});
