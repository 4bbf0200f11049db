import { httpEvent } from '../api-event.ts';
import type { SyntheticLead } from './synthetic-leads.ts';

/* The events a simulation delivers to the handlers, as AWS would hand them over. */

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/** A signup as API Gateway (HTTP API, payload 2.0) hands POST /leads to the intake function. */
export function signupEvent(body: Readonly<Record<string, string>>) {
  return httpEvent('POST', '/leads', {
    body: JSON.stringify(body),
    headers: { ...JSON_HEADERS, 'user-agent': 'followup simulate' },
  });
}

/** The rep's outcome "won", with the deal's value, as API Gateway hands POST /leads/{id}/outcome over. */
export function wonEvent(leadId: string, value: number) {
  return httpEvent('POST', `/leads/${leadId}/outcome`, {
    body: JSON.stringify({ result: 'won', value, currency: 'USD' }),
    headers: JSON_HEADERS,
    pathParameters: { id: leadId },
    routeKey: 'POST /leads/{id}/outcome',
  });
}

/** A shop's cart.abandoned, as it arrives from the stack's event bus. */
export function cartAbandonedEvent(lead: SyntheticLead) {
  const { email, name } = lead.body;
  return {
    version: '0',
    id: `sim-cart-${lead.index}`,
    'detail-type': 'cart.abandoned',
    source: 'shop',
    time: lead.enrolledAt.toISOString(),
    region: 'local',
    resources: [],
    detail: {
      email,
      name,
      cartId: `sim-cart-${lead.index}`,
      cartUrl: lead.cart.url,
      items: lead.cart.items,
      total: lead.cart.total,
      currency: lead.cart.currency,
    },
  };
}
