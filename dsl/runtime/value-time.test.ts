import { formatDuration, formatTime, parseTime } from './value-time';

describe('times and durations', () => {
  it('parses ISO-8601 times strictly, as UTC unless an offset is given', () => {
    expect(parseTime('2024-05-01T10:00:00Z')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTime('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTime('2024-05-01T10:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTime('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    expect(parseTime('2024-05-01T10:00:00.123456Z')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 123));
    expect(parseTime('0099-01-01T00:00:00Z')).toBe(Date.parse('0099-01-01T00:00:00Z'));
    for (const bad of ['2024-02-30', '2024-13-01', 'May 1 2024', '2024-05-01T25:00Z', '', '1714557600000']) {
      expect(parseTime(bad)).toBeUndefined();
    }
  });

  it('formats times in UTC with milliseconds', () => {
    expect(formatTime(Date.UTC(2024, 4, 1, 10))).toBe('2024-05-01T10:00:00.000Z');
  });

  it('formats durations the way rules write them', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(694_861_001)).toBe('1w1d1h1m1s1ms');
    expect(formatDuration(-300_000)).toBe('-5m');
    expect(formatDuration(250)).toBe('250ms');
  });
});
