import { describe, expect, it } from 'vitest';
import { escalationEmail } from '../../../../functions/domain/sla-message.ts';
import { storedLead } from '../../../support/handler-fixtures.ts';

/* What the person a task is escalated to reads (#15): whose task, what was not done in time, when it was due. */

const TIMER = {
  cadenceId: 'callback',
  stepId: 'call',
  sla: '15 business minutes',
  holder: 'ana@example.com',
  taskDueAt: '2026-12-01T15:00:00.000Z',
};

describe('escalationEmail', () => {
  it("says when the task was due as the rep's task email did: in the lead's zone, with its name", () => {
    // Prepare
    const lead = storedLead({ email: 'jordan@example.com', name: 'Jordan Lee', zone: 'America/Chicago' });

    // Act
    const email = escalationEmail(lead, TIMER, { email: 'ben@example.com' }, 'https://dash.example.com/');

    // Assess
    expect(email.to).toBe('ben@example.com');
    expect(email.subject).toBe('Escalated: Jordan Lee is waiting (call not done within 15 business minutes)');
    expect(email.text).toContain(
      'ana@example.com had 15 business minutes to do step call of callback, due Tue 1 Dec 2026, 09:00 CST;',
    );
    expect(email.text).toContain('  Email: jordan@example.com');
    expect(email.text).toContain(`Open the lead: https://dash.example.com/leads/${lead.leadId}`);
    expect(email.html).not.toContain('2026-12-01T15:00');
  });
});
