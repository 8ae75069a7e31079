import { reliefApplicationWorkflow } from '../../workflows/relief-application.machine';
import { eventPayloads } from '../engine/event-payloads';
import {
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

/** What each relief event carries (ACCEPT and APPROVE carry nothing); the engine validates with it. */
export const RELIEF_EVENT_PAYLOADS = eventPayloads(reliefApplicationWorkflow, {
  SUBMIT: OutreachSubmitPayload,
  DECLINE: ReasonPayload,
  REQUEST_SUPPLEMENT: RequestSupplementPayload,
  REJECT: ReasonPayload,
  WITHDRAW: OptionalReasonPayload,
  SUPPLEMENT: SupplementPayload,
  VERIFY: VerifyPayload,
  PROPOSE: ProposePayload,
  RETURN: CommentPayload,
  OBJECTION: ObjectionPayload,
  UPHOLD: OptionalReasonPayload,
  REVOKE: ReasonPayload,
  RECORD_PAYMENT: RecordPaymentPayload,
});
