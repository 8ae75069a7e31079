/** An event sent to a case: its type and payload fields side by side, as XState takes it. */
export type CaseEvent = Record<string, unknown> & { type: string };
