import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AuthorizationRequest,
  arnMatch,
  type Decision,
  evaluate,
  type NamedPolicy,
  wildcardMatch,
} from './evaluate.ts';
import { checkAgainstReference } from './reference.ts';
import { type AccountFacts, type AwsCall, authorizationRequests, DENIED_ERROR } from './requests.ts';
import type { RolePolicies, StackPolicies } from './template.ts';

/*
 * The deployed IAM, enforced on the local runtime: every SDK call a handler makes is attributed to the function it
 * runs in, turned into the request AWS would authorize, and evaluated against that function's synthesized policies
 * and the resource's own policy. A denied call fails as AWS fails it. Every decision is kept, so the same run also
 * tells which granted permissions nothing used.
 */

export type IamMode = 'enforce' | 'record';

export interface Denial {
  readonly function: string;
  readonly action: string;
  readonly resource: string;
  readonly reason: string;
}

export interface UnusedGrant {
  readonly function: string;
  readonly action: string;
  readonly resource: string;
}

/** What the service answers: its own error name, a 400, and AWS's wording naming the role, action and resource. */
export class AccessDenied extends Error {
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 400 };
  constructor(
    override readonly name: string,
    readonly denial: Denial,
    roleArn: string,
  ) {
    super(
      `User: ${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${denial.function} is not authorized to perform: ${denial.action} on resource: ${denial.resource} because ${denial.reason}`,
    );
  }
}

/** Services the Lambda runtime itself calls with the role (logs, traces): no handler code makes these calls. */
const RUNTIME_SERVICES = ['logs:', 'xray:'];

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

interface MiddlewareClient {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<unknown>,
      options: { step: 'build'; name: string; override?: boolean },
    ): void;
  };
}

export class IamEnforcer {
  private readonly caller = new AsyncLocalStorage<string>();
  readonly denials: Denial[] = [];
  /** Calls made outside any function (the runtime's own), by client and command. */
  readonly unattributed = new Set<string>();
  private readonly used = new Map<string, Set<string>>();
  /** Every principal a call was evaluated for: functions by construct id, state machines by name. */
  private readonly roles = new Map<string, RolePolicies>();
  private allowedCount = 0;

  constructor(
    readonly stack: StackPolicies,
    readonly facts: AccountFacts,
    readonly mode: IamMode = 'enforce',
  ) {}

  /** The handler, running as the stack's function of that construct id (e.g. "Touch"). */
  as<A extends unknown[], R>(functionName: string, handler: (...args: A) => R): (...args: A) => R {
    if (!this.stack.functions.has(functionName)) {
      throw new Error(`the stack has no function ${functionName}: the local runtime and lib/ disagree`);
    }
    return (...args: A) => this.caller.run(functionName, () => handler(...args));
  }

  /** Installs the check on an SDK client: it runs before each request is signed and sent. */
  attach<T extends object>(client: T): T {
    (client as unknown as MiddlewareClient).middlewareStack.add(
      (next, context) => async (args) => {
        await this.authorize({
          client: context.clientName ?? 'unknown',
          command: context.commandName ?? 'unknown',
          input: args.input,
        });
        return next(args);
      },
      { step: 'build', name: 'followupIam', override: true },
    );
    return client;
  }

  /** Evaluates one call as the function it runs in; throws the service's AccessDenied when the role may not. */
  async authorize(call: AwsCall): Promise<void> {
    const functionName = this.caller.getStore();
    if (!functionName) {
      this.unattributed.add(`${call.client} ${call.command}`);
      return;
    }
    const fn = this.stack.functions.get(functionName);
    if (!fn) throw new Error(`no function ${functionName}`);
    for (const request of authorizationRequests(call, this.facts)) {
      await this.check(functionName, fn, request, DENIED_ERROR[call.client] ?? 'AccessDenied');
    }
  }

  /** A Task state invoking a function: the state machine's role needs lambda:InvokeFunction on that function. */
  async invoke(machineName: string, functionName: string): Promise<void> {
    const machine = this.stack.machines.get(machineName);
    const functionArn = this.stack.functionArns.get(functionName);
    if (!machine || !functionArn) {
      throw new Error(`the stack has no state machine ${machineName} or no function ${functionName}`);
    }
    const request: AuthorizationRequest = {
      action: 'lambda:InvokeFunction',
      resource: functionArn,
      context: { 'aws:SecureTransport': true },
    };
    await this.check(`state machine ${machineName}`, machine, request, 'Lambda.AWSLambdaException');
  }

  private async check(
    principalName: string,
    role: RolePolicies,
    request: AuthorizationRequest,
    errorName: string,
  ): Promise<void> {
    await checkAgainstReference(request);
    this.roles.set(principalName, role);
    const decision = this.decide(role.roleArn, role.policies, request);
    if (decision.effect === 'allow') {
      this.allowedCount++;
      this.markUsed(principalName, request, decision);
      return;
    }
    const denial: Denial = {
      function: principalName,
      action: request.action,
      resource: request.resource,
      reason:
        decision.effect === 'explicit-deny'
          ? `an explicit deny in ${decision.by.map((m) => m.policy).join(', ')}`
          : decision.reason.replace('{action}', request.action),
    };
    this.denials.push(denial);
    if (this.mode === 'enforce') throw new AccessDenied(errorName, denial, role.roleArn);
  }

  private decide(roleArn: string, policies: readonly NamedPolicy[], request: AuthorizationRequest): Decision {
    const resourcePolicy = this.resourcePolicyFor(request);
    return evaluate(
      {
        principal: { arn: roleArn, account: this.facts.account },
        identityPolicies: policies,
        ...(resourcePolicy ? { resourcePolicy } : {}),
        resourcePolicyRequired: request.action.startsWith('kms:'),
      },
      request,
    );
  }

  private resourcePolicyFor(request: AuthorizationRequest): NamedPolicy | undefined {
    const policies = this.stack.resourcePolicies;
    if (request.action.startsWith('s3:')) return policies.get(request.resource.split('/')[0] ?? '');
    return policies.get(request.resource);
  }

  private markUsed(functionName: string, request: AuthorizationRequest, decision: Decision): void {
    if (decision.effect !== 'allow') return;
    const used = this.used.get(functionName) ?? new Set<string>();
    this.used.set(functionName, used);
    for (const { statement } of decision.by) {
      for (const action of list(statement.Action)) {
        if (!wildcardMatch(action, request.action, true)) continue;
        for (const resource of list(statement.Resource)) {
          if (request.resource === '*' ? resource === '*' : arnMatch(resource, request.resource)) {
            used.add(`${action.toLowerCase()} ${resource}`);
          }
        }
      }
    }
  }

  /**
   * Every action × resource an identity policy allows that no call in this run used (runtime services aside).
   * `same` names resources that stand for one another (one per cadence): a grant counts as used when one of its
   * kind was, since the same code path reaches each.
   */
  unusedGrants(
    principals: Iterable<string> = this.principals(),
    same: (resource: string) => string = (r) => r,
  ): UnusedGrant[] {
    const unused: UnusedGrant[] = [];
    for (const name of principals) {
      const role = this.stack.functions.get(name) ?? this.roles.get(name);
      if (!role) continue;
      const used = new Set(
        [...(this.used.get(name) ?? [])].map((key) => {
          const [action = '', resource = ''] = key.split(' ');
          return `${action} ${same(resource)}`;
        }),
      );
      for (const policy of role.policies) {
        for (const statement of policy.document.Statement) {
          if (statement.Effect !== 'Allow') continue;
          for (const action of list(statement.Action)) {
            if (RUNTIME_SERVICES.some((s) => action.toLowerCase().startsWith(s))) continue;
            for (const resource of list(statement.Resource)) {
              if (!used.has(`${action.toLowerCase()} ${same(resource)}`))
                unused.push({ function: name, action, resource });
            }
          }
        }
      }
    }
    return unused;
  }

  /** The stack's functions, and the state machines that invoked one in this run. */
  principals(): string[] {
    return [...new Set([...this.stack.functions.keys(), ...this.roles.keys()])];
  }

  /** One paragraph for a person: what was evaluated, what was denied, what the functions that ran never used. */
  summary(): string {
    const lines = [`IAM: ${this.allowedCount} calls allowed, ${this.denials.length} denied.`];
    for (const d of this.denials) {
      lines.push(`  denied  ${d.function}: ${d.action} on ${d.resource} (${d.reason})`);
    }
    const ran = this.principals().filter((name) => this.used.has(name));
    const idle = this.principals().filter((name) => !this.used.has(name));
    const unused = this.unusedGrants(ran);
    if (unused.length > 0) lines.push('Granted to the functions that ran, and not used in this run:');
    for (const u of unused) lines.push(`  unused  ${u.function}: ${u.action} on ${u.resource}`);
    if (idle.length > 0) lines.push(`Not run in this session: ${idle.join(', ')}.`);
    return lines.join('\n');
  }
}
