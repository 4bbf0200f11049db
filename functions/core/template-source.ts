import { UserError } from './errors.ts';

/*
 * What a template is once read, and the errors of reading one (docs/architecture.md §2.2): no parser here, so the
 * Touch bundle, which renders templates parsed at synth, holds no YAML reader (docs/architecture.md §9).
 */

/** A template file as written: `templates/<name>.liquid`, YAML front matter, then a Liquid body. */
export interface TemplateSource {
  readonly name: string;
  /** Email subject (Liquid); for a call or task, the title of the rep's task. */
  readonly subject?: string;
  /** One line naming what this touch gives the lead; lint asks for one in every touch. */
  readonly value?: string;
  readonly body: string;
}

export const TEMPLATE_EXTENSION = '.liquid';
export const FRONT_MATTER_KEYS = ['subject', 'value'] as const;

/**
 * The templates a Lambda bundle carries, parsed at synth so a cold start loads no YAML parser (docs/architecture.md
 * §9): each template's name → its source, written as JSON to TEMPLATE_MANIFEST in the bundle's templates folder.
 */
export type TemplateManifest = Readonly<Record<string, TemplateSource>>;
export const TEMPLATE_MANIFEST = 'templates.json';

export class TemplateNotFound extends UserError {
  override readonly name = 'TemplateNotFound';
  constructor(
    readonly template: string,
    readonly path: string,
    detail = `no template "${template}": expected the file ${path}`,
  ) {
    super(detail);
  }
}

export class TemplateInvalid extends UserError {
  override readonly name = 'TemplateInvalid';
  constructor(
    readonly template: string,
    readonly problem: string,
  ) {
    super(`${template}${TEMPLATE_EXTENSION}: ${problem}`);
  }
}
