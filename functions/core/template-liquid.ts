import { Drop, Liquid, LiquidError, type Template } from 'liquidjs';
import { closest } from './cadence.ts';
import { SAMPLE_CONTEXT, type TemplateContext } from './template-context.ts';
import type { TemplateSource } from './template-file.ts';

/*
 * The Liquid engine templates render with, and what it knows about variables: every output is type-checked, a
 * variable is known when SAMPLE_CONTEXT has it, and each Liquid error becomes a sentence that says how to fix it.
 */

/** What a `{{ }}` printed that is not text: a group of fields, a list of groups, a function. */
class NotPrintable extends Error {
  constructor(readonly kind: string) {
    super(`${kind} cannot be printed as text`);
  }
}

const isScalar = (value: unknown) =>
  value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value);

function kindOf(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (!Array.isArray(value)) return 'a group of fields';
  return value.every(isScalar) ? 'a list' : 'a list of groups of fields';
}

/** Every output goes through here: the value's type is checked, so text that reads "[object Object]" prints. */
function printable(value: unknown): unknown {
  const plain = value instanceof Drop ? value.valueOf() : value;
  if (Array.isArray(plain) ? plain.every(isScalar) : isScalar(plain)) return plain;
  throw new NotPrintable(kindOf(plain));
}

const liquid = new Liquid({
  strictVariables: true,
  strictFilters: true,
  lenientIf: true,
  ownPropertyOnly: true,
  // Liquid stringifies what this returns, as it would the value itself.
  outputEscape: printable as (value: unknown) => string,
  // An empty in-memory file map: include/render/layout find nothing instead of reading the disk.
  templates: {},
});
// `raw` skips outputEscape; it must not skip the type check.
liquid.registerFilter('raw', { raw: true, handler: printable });

liquid.registerFilter('money', (amount: unknown, currency: unknown = 'USD') =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: String(currency) }).format(Number(amount)),
);

/** Texts remembered at most: far more than a project's templates, so a cache never grows with edits unbounded. */
const MAX_CACHED_TEXTS = 512;

/**
 * `compute` remembered by template text: parsing and analysing are pure, and every touch renders one of the same
 * few templates. A text that fails is not remembered, so its error is thrown again each time.
 */
function byText<T>(compute: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      value = compute(text);
      if (cache.size >= MAX_CACHED_TEXTS) cache.clear();
      cache.set(text, value);
    }
    return value;
  };
}

const parsed = byText((text): Template[] => liquid.parse(text));

/**
 * Renders Liquid text against a context; throws the engine's error, for `liquidProblem` to explain, which reads its
 * message and never its stack. liquidjs throws and catches an Error for each guarded variable without a value
 * (`{% if lead.note %}`): capturing those stacks cost more than the render itself (docs/architecture.md §9).
 */
export function parseAndRender(text: string, ctx: TemplateContext): string {
  // Text with neither an output nor a tag is printed as it is (most subjects): no parse, no render.
  if (!text.includes('{{') && !text.includes('{%')) return text;
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return String(liquid.renderSync(parsed(text), ctx as unknown as Record<string, unknown>));
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** The context paths a text refers to, as liquidjs's static analysis finds them; throws on a syntax error. */
const variableSegments = byText((text) => liquid.globalVariableSegmentsSync(parsed(text)));

type Shape = string | number | boolean | null | undefined | readonly unknown[] | { [key: string]: unknown };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Liquid lets these follow an array or a string: `cart.items.size`, `cart.items.first.name`. */
const BUILT_IN_PROPERTIES = ['size', 'first', 'last'];

type Lookup = { known: true } | { known: false; parent: string; segment: string; fields: string[] };

/** Walks a variable path against the full sample context, the definition of what variables exist. */
function lookup(path: readonly (string | number)[]): Lookup {
  let node: Shape = SAMPLE_CONTEXT as unknown as Shape;
  const walked: string[] = [];
  for (const segment of path) {
    const unknown = (fields: string[]): Lookup => ({
      known: false,
      parent: walked.join('.'),
      segment: String(segment),
      fields,
    });
    if (Array.isArray(node)) {
      if (segment === 'size') return { known: true };
      if (typeof segment !== 'number' && segment !== 'first' && segment !== 'last') {
        return unknown(BUILT_IN_PROPERTIES);
      }
      node = node[0] as Shape;
    } else if (isRecord(node)) {
      if (typeof segment !== 'string' || !Object.hasOwn(node, segment)) return unknown(Object.keys(node));
      node = node[segment] as Shape;
    } else if (typeof node === 'string' && BUILT_IN_PROPERTIES.includes(String(segment))) {
      return { known: true };
    } else {
      return unknown([]);
    }
    walked.push(String(segment));
  }
  return { known: true };
}

const describeRoot = () => Object.keys(SAMPLE_CONTEXT).join(', ');

function unknownVariableMessage(
  variable: string,
  result: Extract<Lookup, { known: false }>,
  at = '',
): string {
  const guess = closest(result.segment, result.fields);
  const suggestion = guess ? `did you mean "${[result.parent, guess].filter(Boolean).join('.')}"? ` : '';
  const scope = result.parent
    ? result.fields.length > 0
      ? `${result.parent} has: ${result.fields.join(', ')}`
      : `${result.parent} is a plain value with no fields`
    : `the variables are: ${describeRoot()}`;
  return `unknown variable "${variable}"${at}; ${suggestion}${scope}`;
}

/** A loop variable (`item` in `for item in cart.items`) is not in the context; say what loop items have. */
function loopHint(): string {
  const items = SAMPLE_CONTEXT.cart?.items[0];
  return items ? ` (each of cart.items has: ${Object.keys(items).join(', ')})` : '';
}

function pathOf(segments: readonly unknown[]): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  for (const s of segments) {
    if (typeof s === 'string' || typeof s === 'number') out.push(s);
    else return out.length > 0 ? out : undefined; // a computed segment (`lead[x]`): check the part before it
  }
  return out;
}

/** Every context variable a template refers to, as paths, from liquidjs's static analysis. */
export function templateVariables(source: TemplateSource): string[][] {
  const paths: string[][] = [];
  for (const text of [source.subject ?? '', source.body]) {
    for (const segments of variableSegments(text)) {
      const path = pathOf(segments);
      if (path) paths.push(path.map(String));
    }
  }
  return paths;
}

export type Part = 'subject' | 'body';

export function liquidProblem(error: unknown, part: Part): { problem: string; variable?: string } {
  if (error instanceof LiquidError) {
    const original = error.originalError as { variableName?: unknown; message?: string } | undefined;
    const where = /, line:(\d+), col:(\d+)$/.exec(error.message);
    const at = where ? ` (${part} line ${where[1]}, col ${where[2]})` : ` (${part})`;
    if (original instanceof NotPrintable) {
      return {
        problem: `${original.kind} was printed whole${at}; print one field, e.g. {{ lead.firstName }}`,
      };
    }
    if (typeof original?.variableName === 'string') {
      const variable = original.variableName;
      const path = variable.split('.');
      const result = lookup(path);
      if (result.known) {
        return {
          variable,
          problem: `${variable} has no value${at}; guard it with {% if ${variable} %}…{% endif %} or give a default: {{ ${variable} | default: "…" }}`,
        };
      }
      // A root that is no context variable is usually a loop variable (`item` in `for item in cart.items`).
      const inContext = Object.hasOwn(SAMPLE_CONTEXT, path[0] ?? '');
      return {
        variable,
        problem: `${unknownVariableMessage(variable, result, at)}${inContext ? '' : loopHint()}`,
      };
    }
    const message = (original?.message ?? error.message).replace(/, line:\d+, col:\d+$/, '');
    if (/^undefined filter: /.test(message)) {
      const filter = message.slice('undefined filter: '.length);
      const guess = closest(filter, Object.keys(liquid.filters));
      return {
        problem: `unknown filter "${filter}"${at}; ${guess ? `did you mean "${guess}"?` : 'see https://liquidjs.com/filters/overview.html'}`,
      };
    }
    return { problem: `Liquid error: ${message}${at}` };
  }
  return { problem: `Liquid error: ${(error as Error).message}` };
}

/**
 * The value at `path` when it should be text (the sample context holds a string or number there) and is not:
 * bad data in the store, named before rendering instead of printed or failing somewhere inside Liquid.
 */
export function mistyped(
  path: readonly string[],
  ctx: TemplateContext,
): { variable: string; kind: string } | undefined {
  let sample: unknown = SAMPLE_CONTEXT;
  let value: unknown = ctx;
  for (const segment of path) {
    if (!isRecord(sample) || !isRecord(value) || !Object.hasOwn(sample, segment)) return undefined;
    sample = sample[segment];
    value = Object.hasOwn(value, segment) ? value[segment] : undefined;
  }
  if (!isScalar(sample) || isScalar(value)) return undefined;
  return { variable: path.join('.'), kind: kindOf(value) };
}

/** Unknown variables and Liquid syntax errors, found without rendering. */
export function staticIssues(source: TemplateSource): string[] {
  const messages: string[] = [];
  for (const [part, text] of [
    ['subject', source.subject ?? ''],
    ['body', source.body],
  ] as const) {
    let variables: unknown[][];
    try {
      variables = liquid.globalVariableSegmentsSync(text);
    } catch (error) {
      messages.push(liquidProblem(error, part).problem);
      continue;
    }
    for (const segments of variables) {
      const path = pathOf(segments);
      if (!path) continue;
      const result = lookup(path);
      if (!result.known) messages.push(unknownVariableMessage(path.join('.'), result));
    }
  }
  return messages;
}
