/** Loose views of what tests receive on the wire; the tests assert the actual shapes. */

export interface ChangeEventHeaderView {
  entityName: string;
  recordIds: string[];
  changeType: string;
  changedFields: string[];
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  commitTimestamp: number;
  commitNumber: number;
  commitUser: string;
  [key: string]: unknown;
}

/** A CDC or platform-event payload: the header (CDC only) plus field values. */
export interface PayloadView {
  ChangeEventHeader: ChangeEventHeaderView;
  [field: string]: unknown;
}

export interface EventDataView {
  schema: string;
  payload: PayloadView;
  event: { replayId: number; EventUuid?: string };
}

/** Any Bayeux message a reply array may hold. */
export interface WireMessage {
  channel?: string;
  id?: string;
  clientId?: string;
  subscription?: string;
  successful?: boolean;
  error?: string;
  advice?: { reconnect?: string; interval?: number; timeout?: number };
  ext?: { sfdc?: { failureReason?: string }; [key: string]: unknown };
  data?: EventDataView;
  [key: string]: unknown;
}

export type DataMessage = WireMessage & { channel: string; data: EventDataView };

export function dataMessages(messages: WireMessage[]): DataMessage[] {
  return messages.filter((m): m is DataMessage => m.data !== undefined && typeof m.channel === 'string');
}
