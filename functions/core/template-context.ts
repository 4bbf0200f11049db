/*
 * The variables a template sees (docs/architecture.md §2.2) and the sample contexts that define them: `validate` and
 * the renderer call a variable unknown when SAMPLE_CONTEXT does not have it.
 */

export interface LeadVariables {
  /** Always set: the first word of the name, or "there" so "Hi there," reads right. */
  readonly firstName: string;
  readonly email: string;
  readonly name?: string;
  readonly company?: string;
  /** The rep's personal line about this lead, e.g. "Congratulations on the new location." */
  readonly note?: string;
  /** What the lead asked about, e.g. "fleet maintenance plans". */
  readonly interest?: string;
  /** Where the lead came from, e.g. "website contact form". */
  readonly source?: string;
}

export interface OwnerVariables {
  readonly name: string;
  readonly firstName: string;
  readonly email: string;
  readonly phone?: string;
  /** Multi-line sign-off, e.g. "Sam Rivera\nNorthwind Supply · (312) 555-0142". */
  readonly signature: string;
}

export interface BusinessVariables {
  readonly name: string;
  /** Required in every marketing email (CAN-SPAM); lines are joined with ", " in the footer. */
  readonly postalAddress: string;
  readonly website?: string;
}

export interface CartItem {
  readonly name: string;
  readonly quantity: number;
  /** Unit price in `cart.currency`; format with `{{ item.price | money: cart.currency }}`. */
  readonly price: number;
}

export interface CartVariables {
  readonly url: string;
  readonly items: readonly CartItem[];
  readonly total: number;
  /** ISO 4217 code, e.g. "USD". */
  readonly currency: string;
}

export interface TemplateContext {
  readonly lead: LeadVariables;
  readonly owner: OwnerVariables;
  readonly business: BusinessVariables;
  readonly unsubscribeUrl: string;
  readonly cart?: CartVariables;
}

/** The lead as the store keeps it; empty fields are left out so templates must guard them. */
export interface LeadFields {
  readonly email: string;
  readonly name?: string | null;
  readonly firstName?: string | null;
  readonly company?: string | null;
  readonly note?: string | null;
  readonly interest?: string | null;
  readonly source?: string | null;
}

export const FIRST_NAME_FALLBACK = 'there';

export const SAMPLE_CONTEXT: TemplateContext = {
  lead: {
    firstName: 'Jordan',
    name: 'Jordan Alvarez',
    email: 'jordan.alvarez@example.com',
    company: 'Alvarez Landscaping',
    note: 'Congratulations on opening the second yard in Naperville.',
    interest: 'fleet maintenance plans',
    source: 'website contact form',
  },
  owner: {
    name: 'Sam Rivera',
    firstName: 'Sam',
    email: 'sam@northwind.example',
    phone: '(312) 555-0142',
    signature: 'Sam Rivera\nNorthwind Supply · (312) 555-0142',
  },
  business: {
    name: 'Northwind Supply',
    postalAddress: '400 N Wells St, Suite 200\nChicago, IL 60654',
    website: 'https://northwind.example',
  },
  unsubscribeUrl: 'https://followup.northwind.example/u/SAMPLE-TOKEN',
  cart: {
    url: 'https://shop.northwind.example/cart/r/8f3a2c',
    items: [
      { name: 'Cedar planter box, large', quantity: 2, price: 49 },
      { name: 'Drip irrigation kit', quantity: 1, price: 34.5 },
    ],
    total: 132.5,
    currency: 'USD',
  },
};

/** The least a template can meet: a lead with only an email, an owner without a phone, no cart. */
export const SPARSE_CONTEXT: TemplateContext = {
  lead: { firstName: FIRST_NAME_FALLBACK, email: 'lead@example.com' },
  owner: {
    name: 'Sam Rivera',
    firstName: 'Sam',
    email: 'sam@northwind.example',
    signature: 'Sam Rivera\nNorthwind Supply',
  },
  business: { name: 'Northwind Supply', postalAddress: '400 N Wells St, Chicago, IL 60654' },
  unsubscribeUrl: 'https://followup.northwind.example/u/SAMPLE-TOKEN',
};

/** Text is trimmed and "" is absent; anything else stored in a text field is kept so rendering can name it. */
const present = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return (value ?? undefined) as string | undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
};

/** The `lead` a template sees. Empty fields are absent, never "", so an unguarded one fails loudly. */
export function leadVariables(lead: LeadFields): LeadVariables {
  const name = present(lead.name);
  const fields = {
    firstName:
      present(lead.firstName) ??
      (typeof name === 'string' ? name.split(/\s+/)[0] : undefined) ??
      FIRST_NAME_FALLBACK,
    email: lead.email.trim(),
    name,
    company: present(lead.company),
    note: present(lead.note),
    interest: present(lead.interest),
    source: present(lead.source),
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as unknown as LeadVariables;
}
