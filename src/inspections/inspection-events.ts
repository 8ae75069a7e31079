import { inspectionWorkflow } from '../../workflows/inspection.machine';
import { eventPayloads } from '../engine/event-payloads';
import {
  CommentPayload,
  OptionalCommentPayload,
  PublishPayload,
  RecordFindingsPayload,
  RectificationPayload,
} from './dto/inspection.dto';

/** What each inspection event carries (START_ONSITE, CONFIRM carry nothing); the engine validates with it. */
export const INSPECTION_EVENT_PAYLOADS = eventPayloads(inspectionWorkflow, {
  RECORD_FINDINGS: RecordFindingsPayload,
  REVISE: CommentPayload,
  SUBMIT_RECTIFICATION: RectificationPayload,
  RECHECK_PASSED: OptionalCommentPayload,
  RECHECK_FAILED: CommentPayload,
  PUBLISH: PublishPayload,
});
