import { formatMoney } from '../labels';
import { caseSubject, firstDeadline, timeLeft, workingDaysLeft } from './caseText';

// 2026-12-02 is a Wednesday; 10:00 in Shanghai.
const WEDNESDAY_10H = Date.parse('2026-12-02T10:00:00+08:00');

describe('time left on a deadline (剩余时间)', () => {
  it('should count Monday to Friday up to the last day (dueAt is 00:00 after it)', () => {
    // Due at 00:00 on Saturday 12-05: last day Friday 12-04 -> Wed, Thu, Fri.
    expect(workingDaysLeft('2026-12-05T00:00:00+08:00', WEDNESDAY_10H)).toBe(3);
    // Due at 00:00 on Tuesday 12-08: last day Monday -> Wed, Thu, Fri, Mon (the weekend skipped).
    expect(workingDaysLeft('2026-12-08T00:00:00+08:00', WEDNESDAY_10H)).toBe(4);
  });

  it('should say hours within a day, and overdue in days', () => {
    expect(timeLeft({ dueAt: '2026-12-02T15:30:00+08:00', overdue: false }, WEDNESDAY_10H)).toEqual(
      {
        overdue: false,
        text: '剩余 5 小时',
      },
    );
    expect(timeLeft({ dueAt: '2026-11-29T00:00:00+08:00', overdue: true }, WEDNESDAY_10H)).toEqual({
      overdue: true,
      text: '已超期 3 天',
    });
    expect(
      timeLeft({ dueAt: '2026-12-08T00:00:00+08:00', overdue: false }, WEDNESDAY_10H).text,
    ).toBe('剩余 4 个工作日');
  });

  it('should pick the earliest open deadline', () => {
    const deadlines = [
      { name: 'b', kind: 'case' as const, dueAt: '2026-12-09T00:00:00.000Z', overdue: false },
      { name: 'a', kind: 'state' as const, dueAt: '2026-12-03T00:00:00.000Z', overdue: false },
    ];
    expect(firstDeadline({ deadlines })?.name).toBe('a');
    expect(firstDeadline({ deadlines: [] })).toBeUndefined();
  });
});

describe('what the tables show', () => {
  it('should name the applicant or the institution of a case', () => {
    expect(caseSubject({ data: { applicant: { name: '张三' } } })).toBe('张三');
    expect(caseSubject({ data: { institution: { name: '西溪医院' } } })).toBe('西溪医院');
    // An art. 41 penalty case names the insured person, with the ID as the list sent it (masked).
    expect(
      caseSubject({ data: { person: { name: '李四', idNumber: '330106********0013' } } }),
    ).toBe('李四（330106********0013）');
    expect(caseSubject({ data: {} })).toBe('–');
  });

  it('should write money as the bureau does, from decimal strings', () => {
    expect(formatMoney('12000.00')).toBe('12,000.00');
    expect(formatMoney('1234567.5')).toBe('1,234,567.50');
    expect(formatMoney('0')).toBe('0.00');
    expect(formatMoney(undefined)).toBe('–');
  });
});
