import type { CartVariables } from '../../functions/core/template-context.ts';
import { leadIdFor } from '../../functions/domain/lead.ts';
import { mulberry32, pick } from './random.ts';

/*
 * The leads a simulation enrolls, all from its seed: names, companies and zones in the US and Europe, a phone and SMS
 * consent for ~60%, a cart for the cart cadence, and an instant in the week after the start.
 */

export const SIM_EMAIL_DOMAIN = 'sim.followup.test';

const FIRST_NAMES = 'Avery Jordan Riley Casey Morgan Harper Quinn Rowan Sasha Noa'.split(' ');
const LAST_NAMES = 'Lee Patel Garcia Nguyen Okafor Schmidt Dubois Rossi Kim Brown'.split(' ');
const COMPANIES = 'Northwind Contoso Fabrikam Tailspin Wingtip Litware Proseware Adatum'.split(' ');
const COMPANY_KINDS = 'Traders Labs Studio Logistics Dental Builders'.split(' ');
const INTERESTS = ['pricing', 'a demo', 'onboarding', 'an integration', 'a quote'];

/** Zones leads come from, with a fictional but valid number prefix (US 555-01xx, UK Ofcom drama, DE, FR). */
const ZONES: readonly { readonly zone: string; readonly phonePrefix: string }[] = [
  { zone: 'America/New_York', phonePrefix: '+121255501' },
  { zone: 'America/Chicago', phonePrefix: '+131255501' },
  { zone: 'America/Denver', phonePrefix: '+130355501' },
  { zone: 'America/Los_Angeles', phonePrefix: '+141555501' },
  { zone: 'Europe/London', phonePrefix: '+4420794601' },
  { zone: 'Europe/Berlin', phonePrefix: '+4930123456' },
  { zone: 'Europe/Paris', phonePrefix: '+331426853' },
];
const PRODUCTS = [
  { name: 'Cedar planter box', price: 49 },
  { name: 'Drip irrigation kit', price: 34.5 },
  { name: 'Garden kneeler', price: 19 },
  { name: 'Pruning shears', price: 27 },
];
const PHONE_SHARE = 0.6;
const CONSENT_WORDING = 'Text me about my inquiry. Msg & data rates may apply. Reply STOP to opt out.';
const WEEK_MINUTES = 7 * 24 * 60;

export interface SyntheticLead {
  readonly index: number;
  readonly leadId: string;
  readonly enrolledAt: Date;
  /** The signup, as the form would post it. */
  readonly body: Readonly<Record<string, string>>;
  /** What the shop's cart.abandoned event carries, for cadences whose templates show the cart. */
  readonly cart: CartVariables;
}

/** N leads from the seed: contact details, a zone, a phone and SMS consent for ~60%, an instant in the week. */
export function syntheticLeads(count: number, seed: number, start: Date, cadenceId: string): SyntheticLead[] {
  const random = mulberry32(seed);
  // Every draw happens in the same order for every lead: changing one field would shift every later lead.
  return Array.from({ length: count }, (_, index) => {
    const first = pick(FIRST_NAMES, random);
    const last = pick(LAST_NAMES, random);
    const { zone, phonePrefix } = pick(ZONES, random);
    const hasPhone = random() < PHONE_SHARE;
    const email = `lead-${index}@${SIM_EMAIL_DOMAIN}`;
    const enrolledAt = new Date(start.getTime() + Math.floor(random() * WEEK_MINUTES) * 60_000);
    const body: Record<string, string> = {
      email,
      name: `${first} ${last}`,
      company: `${pick(COMPANIES, random)} ${pick(COMPANY_KINDS, random)}`,
      interest: pick(INTERESTS, random),
      timezone: zone,
      cadence: cadenceId,
      source: 'followup simulate',
    };
    if (hasPhone) {
      Object.assign(body, {
        phone: `${phonePrefix}${String(index % 100).padStart(2, '0')}`,
        smsConsent: 'on',
        consentText: CONSENT_WORDING,
      });
    }
    return { index, leadId: leadIdFor(email), enrolledAt, body, cart: cartOf(index, random) };
  });
}

/** One to three products, one or two of each. */
function cartOf(index: number, random: () => number): CartVariables {
  const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
    ...pick(PRODUCTS, random),
    quantity: 1 + Math.floor(random() * 2),
  }));
  return {
    url: `https://shop.${SIM_EMAIL_DOMAIN}/cart/${index}`,
    items,
    total: items.reduce((sum, item) => sum + item.price * item.quantity, 0),
    currency: 'USD',
  };
}

/** The first Monday 09:00 UTC after `now`: a default start that gives every run the same kind of week. */
export function nextMonday(now: Date): Date {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 9));
  const ahead = (8 - day.getUTCDay()) % 7;
  day.setUTCDate(day.getUTCDate() + ahead);
  if (day <= now) day.setUTCDate(day.getUTCDate() + 7);
  return day;
}
