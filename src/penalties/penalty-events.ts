import { penaltyCaseWorkflow } from '../../workflows/penalty-case.machine';
import { eventPayloads } from '../engine/event-payloads';
import {
  AppealDecidedPayload,
  AppealFiledPayload,
  DecidePayload,
  HearingHeldPayload,
  OptionalReasonPayload,
  OutcomePayload,
  PenaltyPaymentPayload,
  PenaltyReasonPayload,
  RecordInvestigationPayload,
  ScheduleHearingPayload,
  ReturnPayload,
  SanctionsPayload,
  StatementPayload,
} from './dto/penalty.dto';

/** What each penalty event carries (REQUEST_HEARING carries nothing); the engine validates with it. */
export const PENALTY_EVENT_PAYLOADS = eventPayloads(penaltyCaseWorkflow, {
  RECORD_INVESTIGATION: RecordInvestigationPayload,
  CLOSE_NO_VIOLATION: PenaltyReasonPayload,
  REFER_POLICE: PenaltyReasonPayload,
  APPROVE_PROPOSAL: SanctionsPayload,
  RETURN: ReturnPayload,
  STATEMENT: StatementPayload,
  SCHEDULE_HEARING: ScheduleHearingPayload,
  HEARING_HELD: HearingHeldPayload,
  DECIDE: DecidePayload,
  EXTEND_DECISION: PenaltyReasonPayload,
  RECORD_PAYMENT: PenaltyPaymentPayload,
  ENFORCE: OptionalReasonPayload,
  ENFORCED: OutcomePayload,
  POLICE_RETURNED: OutcomePayload,
  APPEAL_FILED: AppealFiledPayload,
  APPEAL_DECIDED: AppealDecidedPayload,
});
