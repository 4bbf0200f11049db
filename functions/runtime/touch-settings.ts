import type { TouchDeps } from '../domain/touch.ts';
import type { SettingsOf } from './env.ts';

// Apart from the touch's wiring, so the in-memory engine takes the same settings without loading an SDK client.

/** What a touch says and signs with: the business, the owner and the links, from the Touch function's settings. */
export function touchSettings(settings: SettingsOf<'Touch'>): TouchDeps['settings'] {
  const { ownerName, ownerPhone, businessName } = settings;
  return {
    unsubscribeBaseUrl: settings.unsubscribeBaseUrl,
    replyDomain: settings.replyDomain,
    business: {
      name: businessName,
      postalAddress: settings.postalAddress,
      ...(settings.businessWebsite ? { website: settings.businessWebsite } : {}),
    },
    owner: {
      name: ownerName,
      firstName: ownerName.split(/\s+/)[0] ?? ownerName,
      email: settings.ownerEmail,
      ...(ownerPhone ? { phone: ownerPhone } : {}),
      signature: [ownerName, [businessName, ownerPhone].filter(Boolean).join(' · ')].join('\n'),
    },
    frequencyCap: settings.frequencyCap,
    defaultTimeZone: settings.defaultTimeZone,
    ...(settings.dashboardUrl ? { dashboardUrl: settings.dashboardUrl } : {}),
    ...(settings.apiBaseUrl ? { apiBaseUrl: settings.apiBaseUrl } : {}),
  };
}
