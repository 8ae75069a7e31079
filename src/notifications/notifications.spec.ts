import { createHmac } from 'node:crypto';
import { reliefApplicationWorkflow } from '../../workflows/relief-application.machine';
import { testFixtureWorkflowForUnits } from './recipients.fixture';
import { validateEnvironment } from '../config/environment';
import { signBody } from './channels/webhook.channel';
import { maskDeep, maskText } from './mask-text';
import { DEFAULT_NOTIFICATION_POLICY, validateNotificationPolicy } from './notification-policy';
import { actorsOf } from './recipients.service';

const users = [
  { id: 'cw-1', roles: ['CASEWORKER'] as const, streetCode: null },
  { id: 'cw-2', roles: ['CASEWORKER'] as const, streetCode: null },
  { id: 'mgr', roles: ['MANAGER'] as const, streetCode: null },
  { id: 'street-a', roles: ['STREET_OFFICE'] as const, streetCode: '330106001' },
  { id: 'street-b', roles: ['STREET_OFFICE'] as const, streetCode: '330106002' },
  { id: 'insp-1', roles: ['INSPECTOR'] as const, streetCode: null },
  { id: 'insp-2', roles: ['INSPECTOR'] as const, streetCode: null },
];
const relief = (state: string, assigneeId: string | null = null) => ({
  state,
  data: {},
  streetCode: '330106001',
  assigneeId,
});

describe('who must act (reminder recipients)', () => {
  it("should remind the case's assignee alone when the assignee may act there", () => {
    expect(
      actorsOf(relief('eligibility_review', 'cw-2'), reliefApplicationWorkflow, users),
    ).toEqual(['cw-2']);
  });

  it('should remind every holder of a permitted role when the assignee may not act (approval needs a manager)', () => {
    expect(actorsOf(relief('approval', 'cw-2'), reliefApplicationWorkflow, users)).toEqual(['mgr']);
  });

  it("should remind only the case's own street office for a street-scoped state", () => {
    expect(actorsOf(relief('awaiting_supplement'), reliefApplicationWorkflow, users)).toEqual([
      'street-a',
    ]);
    // Caseworkers are not street-bound; street offices of other streets are never reminded.
    expect(actorsOf(relief('publicity'), reliefApplicationWorkflow, users)).toEqual([
      'cw-1',
      'cw-2',
      'street-a',
    ]);
  });

  it('should narrow the roles when the policy names those who must act', () => {
    expect(actorsOf(relief('submitted'), reliefApplicationWorkflow, users)).toEqual([
      'cw-1',
      'cw-2',
      'street-a',
    ]);
    expect(actorsOf(relief('submitted'), reliefApplicationWorkflow, users, ['CASEWORKER'])).toEqual(
      ['cw-1', 'cw-2'],
    );
  });

  it('should remind the members for a member-scoped state, never the service itself', () => {
    const c = { state: 'review', data: { team: ['insp-2'] }, streetCode: null, assigneeId: null };
    expect(actorsOf(c, testFixtureWorkflowForUnits, users)).toEqual([
      'cw-1',
      'cw-2',
      'insp-2',
      'mgr',
    ]);
  });
});

describe('masking in notification texts', () => {
  it('should mask resident IDs and mobile numbers wherever they appear', () => {
    expect(maskText('张三 330106198001010013，电话13812345678')).toBe(
      '张三 330106********0013，电话138****5678',
    );
    expect(maskText('11010519491231002X')).toBe('110105********002X');
    expect(maskText('案件 2026000000000000001 号')).toBe('案件 2026000000000000001 号');
    expect(
      maskDeep({
        applicant: { idNumber: '330106198001010013', phone: '13812345678' },
        note: 'x13812345678',
      }),
    ).toEqual({
      applicant: { idNumber: '330106********0013', phone: '138****5678' },
      note: 'x138****5678',
    });
  });
});

describe('webhook signature', () => {
  it('should be the hex HMAC-SHA256 of the exact body with the shared secret', () => {
    const body = '{"event":"deadline.breached"}';
    expect(signBody('secret-secret-123', body)).toBe(
      `sha256=${createHmac('sha256', 'secret-secret-123').update(body).digest('hex')}`,
    );
  });
});

describe('notification policy', () => {
  it('should accept the defaults and name every bad field', () => {
    expect(validateNotificationPolicy(DEFAULT_NOTIFICATION_POLICY, 'notifications')).toEqual([]);
    const bad = {
      ...DEFAULT_NOTIFICATION_POLICY,
      reminder: { at: 1.5, alsoFor: ['nodot'] },
      escalation: { after: 'soon', max: -1 },
      actorRoles: { 'relief-application.submitted': ['KING'] },
      events: {
        'deadline.reminder': {
          channels: ['sms'],
          recipients: ['role:KING'],
          emailTo: ['not-mail'],
        },
      },
    };
    expect(validateNotificationPolicy(bad, 'notifications').map((p) => p.split(':')[0])).toEqual([
      'notifications.reminder.at',
      'notifications.reminder.alsoFor',
      'notifications.escalation.after',
      'notifications.escalation.max',
      'notifications.actorRoles.relief-application.submitted',
      'notifications.events.deadline.reminder.channels',
      'notifications.events.deadline.reminder.recipients',
      'notifications.events.deadline.reminder.emailTo',
    ]);
  });
});

describe('channel configuration (environment)', () => {
  const base = {
    DATABASE_URL: 'mysql://root@127.0.0.1:3306/yibao',
    REDIS_URL: 'redis://127.0.0.1:6379/0',
    JWT_SECRET: 'a-secret-long-enough',
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: 'Yibao-root-pw-7',
  };

  it('should need a webhook secret with a webhook URL, and a sender with an SMTP server', () => {
    expect(() =>
      validateEnvironment({ ...base, NOTIFY_WEBHOOK_URL: 'https://oa.example/hook' }),
    ).toThrow(/NOTIFY_WEBHOOK_SECRET is missing/);
    expect(() =>
      validateEnvironment({
        ...base,
        NOTIFY_WEBHOOK_URL: 'ftp://x',
        NOTIFY_WEBHOOK_SECRET: 'short',
      }),
    ).toThrow(
      /NOTIFY_WEBHOOK_URL must be an http\(s\) URL[\s\S]*NOTIFY_WEBHOOK_SECRET must be at least 16/,
    );
    expect(() => validateEnvironment({ ...base, SMTP_URL: 'smtp://mail.example:587' })).toThrow(
      /SMTP_FROM is missing/,
    );
    const env = validateEnvironment({
      ...base,
      NOTIFY_WEBHOOK_URL: 'https://oa.example/hook',
      NOTIFY_WEBHOOK_SECRET: 'a-webhook-secret-123',
      SMTP_URL: 'smtp://user:pass@mail.example:587',
      SMTP_FROM: '医保局 <noreply@example.gov.cn>',
    });
    expect(env).toMatchObject({ NOTIFY_DELIVERY_ATTEMPTS: 5, NOTIFY_DELIVERY_BACKOFF_MS: 5000 });
  });
});
