import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, csvLine, csvRecords } from '../../bin/csv.ts';

/*
 * The import's CSV reader, against what it writes (FILE.rejected.csv) and against garbage: any values survive a
 * round trip whatever line ends the file uses and however the stream cuts it into chunks, and each record knows the
 * line it starts on.
 */

async function parse(chunks: readonly string[]): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of csvRecords(chunks)) records.push(record);
  return records;
}

/** `text` cut at the given offsets, as a file stream might deliver it. */
function cut(text: string, offsets: readonly number[]): string[] {
  const points = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let last = 0;
  for (const point of points) {
    chunks.push(text.slice(last, point));
    last = point;
  }
  chunks.push(text.slice(last));
  return chunks;
}

const value = fc.oneof(
  fc.string({
    unit: fc.constantFrom('a', 'b', ',', '"', '\r', '\n', ' ', 'é', '😀', "'", '='),
    maxLength: 12,
  }),
  fc.string({ maxLength: 20 }),
);
/** A record; one empty value alone is a blank line, which the reader skips by design. */
const record = fc
  .array(value, { minLength: 1, maxLength: 6 })
  .filter((r) => !(r.length === 1 && r[0] === ''));

describe('csvRecords', () => {
  it('reads back what csvLine writes, with CRLF or LF line ends, cut into any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\r\n', '\n'),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        async (records, eol, offsets, bom) => {
          // Prepare
          const lines = records.map(csvLine);
          const text = `${bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;

          // Act
          const parsed = await parse(cut(text, offsets));

          // Assess: values, with line breaks inside values read as LF
          expect(parsed.map((r) => r.values)).toEqual(
            records.map((r) => r.map((v) => v.replace(/\r\n?/g, '\n'))),
          );
          expect(parsed.every((r) => r.error === undefined)).toBe(true);
          // Assess: each record starts on the line after the line breaks of the records before it
          let line = 1;
          records.forEach((r, i) => {
            expect(parsed[i]?.line).toBe(line);
            line += 1 + (csvLine(r).match(/\r\n|\r|\n/g)?.length ?? 0);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary text, and numbers records in the order of their lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (text, offsets) => {
          const parsed = await parse(cut(text, offsets));
          const lines = parsed.map((r) => r.line);
          expect(lines).toEqual([...lines].sort((a, b) => a - b));
          expect(lines.every((l) => l >= 1 && l <= (text.match(/\r\n|\r|\n/g)?.length ?? 0) + 1)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reports what is wrong with the quoting, on the record where it happens', async () => {
    const parsed = await parse(['email,name\na@example.com,"Ann "the" Lee"\nb@example.com,"Bo\n']);
    expect(parsed.map((r) => [r.line, r.error])).toEqual([
      [1, undefined],
      [2, expect.stringMatching(/text after the closing quote/)],
      [3, expect.stringMatching(/the quoted value that starts on line 3 has no closing quote/)],
    ]);
  });
});
