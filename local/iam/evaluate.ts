/*
 * IAM policy evaluation, as the IAM User Guide's "Policy evaluation logic" defines it for one account: an explicit Deny
 * in any applicable policy wins; otherwise an Allow in the identity policies or in the resource's own policy allows
 * (same-account); otherwise the request is implicitly denied. KMS is the exception AWS makes: the key policy must
 * allow, directly or by delegating to the account (then the identity policy must allow too).
 *
 * Pure: policies and requests in, a decision out. The requests come from requests.ts, the policies from template.ts.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Principal?: '*' | Readonly<Record<string, string | readonly string[]>>;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, Json>>>>;
}

export interface PolicyDocument {
  readonly Statement: readonly Statement[];
}

/** A policy and where it comes from, so a decision can name what allowed or denied it. */
export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/** Values of the request context keys (`aws:SecureTransport`, `states:StateMachineQualifier`, …). */
export type ContextValues = Readonly<Record<string, string | boolean | readonly string[]>>;

export interface AuthorizationRequest {
  /** e.g. "states:StartExecution". */
  readonly action: string;
  /** The ARN AWS authorizes the action on, or "*" for an action with no resource. */
  readonly resource: string;
  readonly context: ContextValues;
}

export interface Principal {
  /** The role's ARN. */
  readonly arn: string;
  readonly account: string;
}

export type Decision =
  | { readonly effect: 'allow'; readonly by: readonly MatchedStatement[] }
  | { readonly effect: 'explicit-deny'; readonly by: readonly MatchedStatement[] }
  | { readonly effect: 'implicit-deny'; readonly reason: string };

export interface MatchedStatement {
  readonly policy: string;
  readonly index: number;
  readonly statement: Statement;
}

const list = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];

/** IAM wildcards: `*` any run of characters, `?` any one character; case-insensitive for actions only. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** ARNs match segment by segment (the first five split on ":"), each with wildcards. */
export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split(':');
  const a = arn.split(':');
  if (p.length < 6 || a.length < 6) return wildcardMatch(pattern, arn);
  for (let i = 0; i < 5; i++) if (!wildcardMatch(p[i] ?? '', a[i] ?? '')) return false;
  return wildcardMatch(p.slice(5).join(':'), a.slice(5).join(':'));
}

const actionMatches = (patterns: readonly string[], action: string) =>
  patterns.some((p) => wildcardMatch(p, action, true));
const resourceMatches = (patterns: readonly string[], resource: string) =>
  patterns.some((p) => (resource === '*' ? p === '*' : arnMatch(p, resource)));

function appliesTo(statement: Statement, request: AuthorizationRequest): boolean {
  const actionOk = statement.Action
    ? actionMatches(list(statement.Action), request.action)
    : statement.NotAction
      ? !actionMatches(list(statement.NotAction), request.action)
      : false;
  if (!actionOk) return false;
  const resourceOk = statement.Resource
    ? resourceMatches(list(statement.Resource), request.resource)
    : statement.NotResource
      ? !resourceMatches(list(statement.NotResource), request.resource)
      : // A resource policy's statement may leave Resource out: it is the resource itself.
        true;
  return resourceOk && conditionsHold(statement.Condition, request.context);
}

/** The request context key's values, found case-insensitively as IAM does. */
function contextValue(context: ContextValues, key: string): readonly string[] | undefined {
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(context)) {
    if (name.toLowerCase() === lower) return list(value as string | readonly string[]).map(String);
  }
  return undefined;
}

type Comparator = (actual: string, expected: string) => boolean;

const COMPARATORS: Readonly<Record<string, Comparator>> = {
  StringEquals: (a, e) => a === e,
  StringNotEquals: (a, e) => a === e,
  StringEqualsIgnoreCase: (a, e) => a.toLowerCase() === e.toLowerCase(),
  StringNotEqualsIgnoreCase: (a, e) => a.toLowerCase() === e.toLowerCase(),
  StringLike: (a, e) => wildcardMatch(e, a),
  StringNotLike: (a, e) => wildcardMatch(e, a),
  ArnEquals: (a, e) => arnMatch(e, a),
  ArnNotEquals: (a, e) => arnMatch(e, a),
  ArnLike: (a, e) => arnMatch(e, a),
  ArnNotLike: (a, e) => arnMatch(e, a),
  Bool: (a, e) => a.toLowerCase() === e.toLowerCase(),
  NumericEquals: (a, e) => Number(a) === Number(e),
  NumericNotEquals: (a, e) => Number(a) === Number(e),
  NumericLessThan: (a, e) => Number(a) < Number(e),
  NumericLessThanEquals: (a, e) => Number(a) <= Number(e),
  NumericGreaterThan: (a, e) => Number(a) > Number(e),
  NumericGreaterThanEquals: (a, e) => Number(a) >= Number(e),
};
const NEGATED = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'ArnNotEquals',
  'ArnNotLike',
  'NumericNotEquals',
]);

export class UnsupportedCondition extends Error {
  override readonly name = 'UnsupportedCondition';
}

function conditionsHold(conditions: Statement['Condition'], context: ContextValues): boolean {
  for (const [rawOperator, keys] of Object.entries(conditions ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      if (!conditionHolds(rawOperator, key, list(expected as Json).map(String), context)) return false;
    }
  }
  return true;
}

function conditionHolds(
  rawOperator: string,
  key: string,
  expected: readonly string[],
  context: ContextValues,
): boolean {
  const actual = contextValue(context, key);
  if (rawOperator === 'Null') {
    const wantsAbsent = expected.some((e) => e.toLowerCase() === 'true');
    return wantsAbsent ? actual === undefined : actual !== undefined;
  }
  const [, set, operatorWithSuffix] = /^(ForAnyValue:|ForAllValues:)?(.+)$/.exec(rawOperator) ?? [];
  const ifExists = operatorWithSuffix?.endsWith('IfExists') ?? false;
  const operator = ifExists ? operatorWithSuffix?.slice(0, -'IfExists'.length) : operatorWithSuffix;
  const compare = operator ? COMPARATORS[operator] : undefined;
  if (!operator || !compare)
    throw new UnsupportedCondition(`condition operator ${rawOperator} is not modelled`);
  if (actual === undefined) {
    if (ifExists) return true;
    // A missing key: ForAllValues holds vacuously, a negated operator holds, everything else fails.
    return set === 'ForAllValues:' || (NEGATED.has(operator) && set !== 'ForAnyValue:');
  }
  const matchesOne = (value: string) => expected.some((e) => compare(value, e));
  const negated = NEGATED.has(operator);
  if (set === 'ForAllValues:') return actual.every((v) => (negated ? !matchesOne(v) : matchesOne(v)));
  if (set === 'ForAnyValue:') return actual.some((v) => (negated ? !matchesOne(v) : matchesOne(v)));
  // A single-valued key (the common case).
  return negated ? !actual.some(matchesOne) : actual.some(matchesOne);
}

/** Whether a resource policy's Principal names this principal (its role, its account, or everyone). */
function principalMatches(statement: Statement, principal: Principal): boolean {
  const p = statement.Principal;
  if (p === undefined) return false;
  if (p === '*') return true;
  return list(p.AWS).some(
    (entry) =>
      entry === '*' ||
      entry === principal.arn ||
      entry === principal.account ||
      entry === `arn:aws:iam::${principal.account}:root`,
  );
}

/** Whether a resource policy delegates to the account (names its root), as KMS default key policies do. */
function namesAccountRoot(statement: Statement, principal: Principal): boolean {
  const p = statement.Principal;
  if (p === undefined || p === '*') return p === '*';
  return list(p.AWS).some(
    (entry) => entry === principal.account || entry === `arn:aws:iam::${principal.account}:root`,
  );
}

function matching(
  policies: readonly NamedPolicy[],
  request: AuthorizationRequest,
  effect: 'Allow' | 'Deny',
  principalFilter?: (s: Statement) => boolean,
): MatchedStatement[] {
  const found: MatchedStatement[] = [];
  for (const policy of policies) {
    policy.document.Statement.forEach((statement, index) => {
      if (statement.Effect !== effect) return;
      if (principalFilter && !principalFilter(statement)) return;
      if (appliesTo(statement, request)) found.push({ policy: policy.name, index, statement });
    });
  }
  return found;
}

export interface EvaluationInput {
  readonly principal: Principal;
  readonly identityPolicies: readonly NamedPolicy[];
  /** The resource's own policy (key policy, bucket policy, secret policy), when the resource has one. */
  readonly resourcePolicy?: NamedPolicy;
  /** KMS: a key policy must allow; other services treat a resource policy as one more place an Allow may come from. */
  readonly resourcePolicyRequired?: boolean;
}

export function evaluate(input: EvaluationInput, request: AuthorizationRequest): Decision {
  const { principal, identityPolicies, resourcePolicy } = input;
  const forPrincipal = (s: Statement) => principalMatches(s, principal);
  const resourcePolicies = resourcePolicy ? [resourcePolicy] : [];
  const denies = [
    ...matching(identityPolicies, request, 'Deny'),
    ...matching(resourcePolicies, request, 'Deny', forPrincipal),
  ];
  if (denies.length > 0) return { effect: 'explicit-deny', by: denies };

  const identityAllows = matching(identityPolicies, request, 'Allow');
  if (input.resourcePolicyRequired) {
    if (!resourcePolicy) return { effect: 'implicit-deny', reason: 'the resource has no policy' };
    const direct = matching(
      resourcePolicies,
      request,
      'Allow',
      (s) => principalMatches(s, principal) && !namesAccountRoot(s, principal),
    );
    if (direct.length > 0) return { effect: 'allow', by: direct };
    const delegated = matching(resourcePolicies, request, 'Allow', (s) => namesAccountRoot(s, principal));
    if (delegated.length > 0 && identityAllows.length > 0) {
      return { effect: 'allow', by: [...delegated, ...identityAllows] };
    }
    return {
      effect: 'implicit-deny',
      reason:
        delegated.length > 0
          ? 'the key policy delegates to the account, but no identity policy allows it'
          : 'the key policy does not allow it',
    };
  }
  const resourceAllows = matching(resourcePolicies, request, 'Allow', forPrincipal);
  const allows = [...identityAllows, ...resourceAllows];
  if (allows.length > 0) return { effect: 'allow', by: allows };
  return { effect: 'implicit-deny', reason: 'no identity-based policy allows the {action} action' };
}
