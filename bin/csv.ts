/*
 * CSV as RFC 4180 writes it and spreadsheets export it: comma-separated, values in double quotes when they hold a
 * comma, a quote ("" inside) or a line break; CRLF, LF or CR line ends; an optional UTF-8 byte order mark. Read as
 * a stream, one record at a time, each with the line it starts on, so a 1 GB file costs the memory of one row and a
 * rejected row can be found in an editor.
 */

export interface CsvRecord {
  /** The 1-based line the record starts on. */
  readonly line: number;
  readonly values: string[];
  /** What is wrong with the record's quoting; its values are then a best effort. */
  readonly error?: string;
}

/** A value longer than this is cut (and the record marked): a stray quote must not read a whole file into memory. */
export const MAX_VALUE_CHARS = 100_000;

/** `quote`: a quote inside a quoted value, either an escaped quote ("") or the end of the value. */
type State = 'start' | 'unquoted' | 'quoted' | 'quote';

/** The records of a CSV text arriving in chunks (a file stream with `setEncoding('utf8')`, or strings). */
export async function* csvRecords(
  chunks: AsyncIterable<string | Buffer> | Iterable<string>,
): AsyncGenerator<CsvRecord> {
  let state: State = 'start';
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  let values: string[] = [];
  let value = '';
  let error: string | undefined;
  let started = false;
  /** A CR ended the previous chunk: an LF at the start of this one belongs to it. */
  let pendingCr = false;
  let first = true;

  const append = (text: string) => {
    if (value.length + text.length <= MAX_VALUE_CHARS) value += text;
    else {
      value = (value + text).slice(0, MAX_VALUE_CHARS);
      error ??= `a value is longer than ${MAX_VALUE_CHARS.toLocaleString('en-US')} characters`;
    }
  };
  const endValue = () => {
    values.push(value);
    value = '';
  };
  const endRecord = (): CsvRecord | undefined => {
    endValue();
    const record: CsvRecord = { line: recordLine, values, ...(error ? { error } : {}) };
    const blank = values.length === 1 && values[0] === '' && !error;
    values = [];
    error = undefined;
    started = false;
    state = 'start';
    return blank ? undefined : record;
  };

  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = text.length === 0;
    }
    let i = 0;
    if (pendingCr) {
      pendingCr = false;
      // The CR was the line end (in a value it was kept as LF already).
      if (text[0] === '\n') i = 1;
    }
    let runStart = -1;
    const flushRun = (end: number) => {
      if (runStart >= 0) append(text.slice(runStart, end));
      runStart = -1;
    };
    for (; i < text.length; i++) {
      const c = text[i] as string;
      const newline = c === '\n' || c === '\r';
      if (!started && !newline) {
        started = true;
        recordLine = line;
      }
      switch (state) {
        case 'start':
        case 'unquoted':
          if (c === ',') {
            flushRun(i);
            endValue();
            state = 'start';
          } else if (newline) {
            flushRun(i);
            if (c === '\r') {
              if (i + 1 === text.length) pendingCr = true;
              else if (text[i + 1] === '\n') i++;
            }
            line++;
            if (started || values.length > 0) {
              const record = endRecord();
              if (record) yield record;
            } else {
              started = false;
            }
          } else if (c === '"' && state === 'start') {
            state = 'quoted';
            quoteLine = line;
          } else {
            // A quote inside an unquoted value (5'11") is kept as it is, as spreadsheets do.
            if (runStart < 0) runStart = i;
            state = 'unquoted';
          }
          break;
        case 'quoted':
          if (c === '"') {
            flushRun(i);
            state = 'quote';
          } else if (newline) {
            flushRun(i);
            if (c === '\r') {
              if (i + 1 === text.length) pendingCr = true;
              else if (text[i + 1] === '\n') i++;
            }
            // Line ends inside a value are kept as LF, whatever the file used.
            append('\n');
            line++;
          } else if (runStart < 0) {
            runStart = i;
          }
          break;
        case 'quote':
          if (c === '"') {
            append('"');
            state = 'quoted';
          } else if (c === ',' || newline) {
            state = 'unquoted';
            i--;
          } else {
            error ??= `text after the closing quote of a value (line ${line}): quote the whole value and double any " inside it`;
            state = 'unquoted';
            i--;
          }
          break;
      }
    }
    if (state === 'quoted' || state === 'unquoted') flushRun(text.length);
  }
  if (state === 'quoted') {
    error ??= `the quoted value that starts on line ${quoteLine} has no closing quote`;
  }
  if (started || values.length > 0 || value !== '') {
    const record = endRecord();
    if (record) yield record;
  }
}

/** One CSV line (no line end) that csvRecords reads back as `values`. */
export function csvLine(values: readonly string[]): string {
  return values
    .map((value) =>
      /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value,
    )
    .join(',');
}

/** One column of a CSV the CLI writes: its header and how a row gives its cell (null: empty). */
export interface CsvColumn<Row> {
  readonly name: string;
  readonly cell: (row: Row) => string | number | null;
}

export interface CsvTableOptions<Row> {
  /** Spreadsheets' own line end is CRLF; the report keeps LF. */
  readonly lineEnd?: '\n' | '\r\n';
  /** Cells after the declared columns, under a header of their own: a row copied as it was read. */
  readonly rest?: { readonly header: readonly string[]; readonly cells: (row: Row) => readonly string[] };
}

/** The header and one line per row, each from the same declared columns, so the two never drift apart. */
export function csvTable<Row>(
  columns: readonly CsvColumn<Row>[],
  rows: Iterable<Row>,
  options: CsvTableOptions<Row> = {},
): string {
  const lineEnd = options.lineEnd ?? '\n';
  const cellText = (value: string | number | null) => (value === null ? '' : String(value));
  const lines = [csvLine([...columns.map((c) => c.name), ...(options.rest?.header ?? [])])];
  for (const row of rows) {
    lines.push(csvLine([...columns.map((c) => cellText(c.cell(row))), ...(options.rest?.cells(row) ?? [])]));
  }
  return `${lines.join(lineEnd)}${lineEnd}`;
}
