import { hardshipHearingWorkflow } from '../../workflows/hardship-hearing.machine';
import { eventPayloads } from '../engine/event-payloads';
import {
  ObjectionPayload,
  ReasonPayload,
  RecordPaymentPayload,
} from '../relief/dto/relief-events.dto';
import { DecidePayload, OpinionPayload, ResolvePayload } from './dto/hearing.dto';

/** What each hearing event carries (CONVENE carries nothing); the engine validates with it. */
export const HEARING_EVENT_PAYLOADS = eventPayloads(hardshipHearingWorkflow, {
  DISMISS: ReasonPayload,
  OPINION: OpinionPayload,
  DECIDE: DecidePayload,
  RESOLVE: ResolvePayload,
  OBJECTION: ObjectionPayload,
  RECORD_PAYMENT: RecordPaymentPayload,
});
