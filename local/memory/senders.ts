import type { Mailer, OutgoingEmail, OutgoingSms, Secrets, SmsSender } from '../../functions/domain/ports.ts';

/*
 * The in-process stand-ins for SES, SNS and Secrets Manager behind the domain's ports, for the in-memory engine
 * (docs/architecture.md §7): what the loopback emulators accept, these accept, with no SDK and no HTTP.
 */

/** SES in memory: every accepted email counted, the last few kept for a person to look at. */
export class MemoryMailer implements Mailer {
  sent = 0;
  private readonly recent: OutgoingEmail[] = [];

  constructor(private readonly keep = 0) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    this.sent++;
    if (this.keep > 0) {
      this.recent.push(email);
      if (this.recent.length > this.keep) this.recent.shift();
    }
    return { messageId: `memory-email-${this.sent}` };
  }

  /** The last `keep` emails, oldest first. */
  get emails(): readonly OutgoingEmail[] {
    return this.recent;
  }
}

/** SNS Publish in memory: as the loopback shim, a text needs a number; every accepted text is counted. */
export class MemorySmsSender implements SmsSender {
  sent = 0;

  async send(sms: OutgoingSms): Promise<{ messageId: string }> {
    if (!sms.to) {
      throw Object.assign(new Error('PhoneNumber is required: texts go to phone numbers only'), {
        name: 'InvalidParameter',
      });
    }
    this.sent++;
    return { messageId: `memory-sms-${this.sent}` };
  }
}

/** Secrets Manager in memory: the values by ARN; an unknown one fails as GetSecretValue does. */
export class MemorySecrets implements Secrets {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  async get(secretId: string): Promise<string> {
    const value = this.values.get(secretId);
    if (value === undefined) {
      throw Object.assign(new Error(`Secrets Manager can't find the specified secret: ${secretId}`), {
        name: 'ResourceNotFoundException',
      });
    }
    return value;
  }
}
