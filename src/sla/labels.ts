import type { WorkflowDefinition } from '../../workflows/workflow-definition';
import { maskIdNumber } from '../common/masking';

/** The workflow's Chinese name: its title up to the first space (`医疗救助申请 Medical-relief …`). */
export function typeLabel(definition: WorkflowDefinition | undefined, type: string): string {
  return definition?.title.split(' ')[0] ?? type;
}

export function stateLabel(definition: WorkflowDefinition | undefined, state: string): string {
  return definition?.stateLabels?.[state] ?? state;
}

/** Whom a case is about, for a notification: the applicant (ID masked) or the institution. */
export function subjectOf(data: Record<string, unknown>): string {
  const applicant = data.applicant as { name?: unknown; idNumber?: unknown } | undefined;
  if (applicant && typeof applicant.name === 'string') {
    const id =
      typeof applicant.idNumber === 'string' ? `（${maskIdNumber(applicant.idNumber)}）` : '';
    return `${applicant.name}${id}`;
  }
  const institution = data.institution as { name?: unknown } | undefined;
  return typeof institution?.name === 'string' ? institution.name : '';
}

/** `3天4小时`, `2小时5分`, `40秒`: how long, for people. */
export function humanDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) {
    return `${d}天${h > 0 ? `${h}小时` : ''}`;
  }
  if (h > 0) {
    return `${h}小时${m > 0 ? `${m}分` : ''}`;
  }
  return m > 0 ? `${m}分${s % 60 > 0 ? `${s % 60}秒` : ''}` : `${s}秒`;
}
