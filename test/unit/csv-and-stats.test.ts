import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvLine } from '../../shared/http/csv.js';
import { percentile, weekStart } from '../../shared/analytics/stats.js';

test('CSV: quotes what needs it, blanks nulls, defuses spreadsheet formulas', () => {
  assert.equal(csvLine(['a', 'b,c', 'say "hi"', null, 3, false]), 'a,"b,c","say ""hi""",,3,false\r\n');
  assert.equal(csvLine(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)']), `"'=HYPERLINK(""x"")",'+1,'-2,'@SUM(A1)\r\n`);
  assert.equal(csvLine([-2.5]), '-2.5\r\n', 'numbers stay numbers');
});

test('percentiles interpolate between ranks; weeks start on Monday (UTC)', () => {
  assert.equal(percentile([], 0.5), null);
  assert.equal(percentile([7], 0.9), 7);
  assert.equal(percentile([20, 10, 14, 11], 0.5), 12.5);
  assert.equal(percentile([10, 11, 14, 20], 0.9), 18.2);
  assert.equal(weekStart('2026-11-30T00:00:00Z'), '2026-11-30', 'a Monday');
  assert.equal(weekStart('2026-12-06T23:59:59Z'), '2026-11-30', 'its Sunday');
  assert.equal(weekStart('2026-12-07T00:00:00Z'), '2026-12-07');
});
