import { capitationReconciliationWorkflow } from '../../workflows/capitation-reconciliation.machine';
import { capitationSettlementWorkflow } from '../../workflows/capitation-settlement.machine';
import { eventPayloads } from '../engine/event-payloads';
import {
  CapitationPaymentPayload,
  CapitationReturnPayload,
  CapitationReviewPayload,
} from './dto/capitation-events.dto';

/** What each monthly-settlement event carries (APPROVE carries nothing). */
export const CAPITATION_SETTLEMENT_EVENT_PAYLOADS = eventPayloads(capitationSettlementWorkflow, {
  REVIEW: CapitationReviewPayload,
  RETURN: CapitationReturnPayload,
  RECORD_PAYMENT: CapitationPaymentPayload,
});

/** What each year-end reconciliation event carries (APPROVE carries nothing). */
export const CAPITATION_RECONCILIATION_EVENT_PAYLOADS = eventPayloads(
  capitationReconciliationWorkflow,
  {
    REVIEW: CapitationReviewPayload,
    RETURN: CapitationReturnPayload,
    RECORD_PAYMENT: CapitationPaymentPayload,
  },
);
