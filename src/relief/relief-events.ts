import { reliefApplicationV2Workflow } from '../../workflows/relief-application.v2.machine';
import { eventPayloads } from '../engine/event-payloads';
import {
  CollectiveReviewPayload,
  CommentPayload,
  ObjectionPayload,
  OptionalReasonPayload,
  OutreachSubmitPayload,
  ProposePayload,
  ReasonPayload,
  RecordPaymentPayload,
  RequestSupplementPayload,
  SupplementPayload,
  VerifyPayload,
} from './dto/relief-events.dto';

/**
 * What each relief event carries (ACCEPT and APPROVE carry nothing); the engine validates with it.
 * Checked against version 2, whose events are version 1's plus RECORD_COLLECTIVE_REVIEW: one
 * table serves both (a version-1 case refuses the extra event by its state, 422).
 */
export const RELIEF_EVENT_PAYLOADS = eventPayloads(reliefApplicationV2Workflow, {
  SUBMIT: OutreachSubmitPayload,
  DECLINE: ReasonPayload,
  REQUEST_SUPPLEMENT: RequestSupplementPayload,
  REJECT: ReasonPayload,
  WITHDRAW: OptionalReasonPayload,
  SUPPLEMENT: SupplementPayload,
  VERIFY: VerifyPayload,
  PROPOSE: ProposePayload,
  RETURN: CommentPayload,
  RECORD_COLLECTIVE_REVIEW: CollectiveReviewPayload,
  OBJECTION: ObjectionPayload,
  UPHOLD: OptionalReasonPayload,
  REVOKE: ReasonPayload,
  RECORD_PAYMENT: RecordPaymentPayload,
});
