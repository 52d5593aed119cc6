/** The demo org's queues: setup data like the users, created with the org whatever the seed. */

export interface DemoQueue {
  /** Group.Name (the queue's label, at most 40 characters). */
  name: string;
  developerName: string;
  /** The objects the queue may own (one QueueSobject each). */
  sobjectTypes: readonly string[];
}

export const DEMO_QUEUES: readonly DemoQueue[] = [
  { name: 'Lead Inbox', developerName: 'Lead_Inbox', sobjectTypes: ['Lead'] },
];
