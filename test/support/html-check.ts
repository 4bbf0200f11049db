/* Helpers that read rendered HTML the way a user or a browser would, without a DOM. */

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

function withoutScriptsAndStyles(markup: string): string {
  return markup
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, '<$1></$1>');
}

/** What is wrong with a fragment's structure: unclosed or stray tags, duplicate ids, dangling id references. */
export function structureProblems(markup: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const body = withoutScriptsAndStyles(markup).replace(/^<!doctype html>/i, '');
  for (const match of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, rawName] = match;
    const name = (rawName ?? '').toLowerCase();
    if (VOID.has(name)) continue;
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else {
      stack.push(name);
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);

  const ids = [...body.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1] ?? '');
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) problems.push(`duplicate id "${id}"`);
    seen.add(id);
  }
  const references = [
    ...[...body.matchAll(/\saria-describedby="([^"]*)"/g)].flatMap((m) => (m[1] ?? '').split(' ')),
    ...[...body.matchAll(/\s(?:for|aria-labelledby)="([^"]*)"/g)].map((m) => m[1] ?? ''),
    ...[...body.matchAll(/\shref="#([^"]+)"/g)].map((m) => m[1] ?? ''),
  ];
  for (const ref of references) {
    if (!seen.has(ref)) problems.push(`reference to missing id "${ref}"`);
  }
  return problems;
}

/** What a complete page needs in its head. */
export function documentProblems(page: string): string[] {
  const problems = structureProblems(page);
  if (!page.startsWith('<!doctype html>')) problems.push('no doctype');
  if (!/<html lang="en">/.test(page)) problems.push('no lang');
  if (!/<meta name="viewport" content="width=device-width, initial-scale=1">/.test(page))
    problems.push('no viewport');
  if (!/<title>[^<]+<\/title>/.test(page)) problems.push('no title');
  if ((page.match(/<h1\b/g) ?? []).length !== 1) problems.push('not exactly one h1');
  return problems;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** An attribute value or text as the browser reads it. */
export function decode(escaped: string): string {
  return escaped.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e] ?? '');
}

/** The visible text, tags removed, entities decoded, whitespace collapsed. */
export function textOf(markup: string): string {
  return decode(
    withoutScriptsAndStyles(markup)
      .replace(/<(script|style)><\/\1>/g, ' ')
      .replace(/<[^>]+>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** The smallest element with `class="…cls…"` that contains `needle`, as markup (for "is X shown next to Y"). */
export function blockContaining(
  markup: string,
  tag: string,
  cls: string,
  needle: string,
): string | undefined {
  const open = new RegExp(`<${tag}\\b[^>]*class="[^"]*\\b${cls}\\b[^"]*"[^>]*>`, 'g');
  const blocks: string[] = [];
  for (const match of markup.matchAll(open)) {
    const start = match.index ?? 0;
    let depth = 0;
    const tags = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'g');
    tags.lastIndex = start;
    for (let m = tags.exec(markup); m; m = tags.exec(markup)) {
      depth += m[1] ? -1 : 1;
      if (depth === 0) {
        blocks.push(markup.slice(start, m.index + m[0].length));
        break;
      }
    }
  }
  return blocks.filter((b) => b.includes(needle)).sort((a, b) => a.length - b.length)[0];
}

/** The JSON bodies and URLs of the page's POST buttons, by label. */
export function postButtons(markup: string): Map<string, { url: string; body: unknown; ask?: string }> {
  const buttons = new Map<string, { url: string; body: unknown; ask?: string }>();
  for (const m of markup.matchAll(/<button\b([^>]*)>([^<]*)<\/button>/g)) {
    const attrs = m[1] ?? '';
    const url = /data-post="([^"]*)"/.exec(attrs)?.[1];
    if (url === undefined) continue;
    const body = /data-body="([^"]*)"/.exec(attrs)?.[1] ?? '{}';
    const ask = /data-ask="([^"]*)"/.exec(attrs)?.[1];
    buttons.set(textOf(m[2] ?? ''), {
      url: decode(url),
      body: JSON.parse(decode(body)),
      ...(ask ? { ask: decode(ask) } : {}),
    });
  }
  return buttons;
}
