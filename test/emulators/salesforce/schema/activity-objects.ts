/** Tasks and events: `WhoId` is a Contact or a Lead, `WhatId` a business record (never with a Lead). */
import { field, makeObject, pick, ref, str, systemFields, type FieldSpec, type ObjectSpec } from './field-builders';

const readOnly = { createable: false, updateable: false };

/** The Activity fields Task and Event share; custom fields on Activity in force-app join them (schema/catalog.ts). */
function activityFields(childRelationshipName: string): FieldSpec[] {
  return [
    ...systemFields(true),
    ref('WhoId', 'Name ID', ['Contact', 'Lead'], 'Who', { childRelationshipName }),
    ref('WhatId', 'Related To ID', ['Account', 'Opportunity', 'Campaign'], 'What', { childRelationshipName }),
    ref('AccountId', 'Account ID', ['Account'], 'Account', readOnly),
    str('Subject', 'Subject', 255),
    field('Description', 'textarea', 'Description'),
    pick('Type', 'Type', ['Call', 'Email', 'Meeting', 'Other']),
    field('IsArchived', 'boolean', 'Archived', { ...readOnly, defaultValue: false }),
  ];
}

export function activityObjects(): ObjectSpec[] {
  const task = makeObject('Task', 'Task', 'Tasks', '00T', 'standard', [
    ...activityFields('Tasks'),
    field('ActivityDate', 'date', 'Due Date Only'),
    pick('Status', 'Status', ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], {
      nillable: false,
      defaultValue: 'Not Started',
      defaultedOnCreate: true,
    }),
    pick('Priority', 'Priority', ['High', 'Normal', 'Low'], {
      nillable: false,
      defaultValue: 'Normal',
      defaultedOnCreate: true,
    }),
    field('IsClosed', 'boolean', 'Closed', { ...readOnly, defaultValue: false }),
    field('IsHighPriority', 'boolean', 'High Priority', { ...readOnly, defaultValue: false }),
    pick('TaskSubtype', 'Task Subtype', ['Task', 'Email', 'Call'], { defaultValue: 'Task' }),
    pick('CallType', 'Call Type', ['Internal', 'Inbound', 'Outbound']),
    field('CallDurationInSeconds', 'int', 'Call Duration', { precision: 8, scale: 0 }),
    field('CompletedDateTime', 'datetime', 'Completed Date/Time', readOnly),
  ]);
  const event = makeObject('Event', 'Event', 'Events', '00U', 'standard', [
    ...activityFields('Events'),
    str('Location', 'Location', 255),
    field('IsAllDayEvent', 'boolean', 'All-Day Event', { defaultValue: false }),
    field('ActivityDateTime', 'datetime', 'Due Date Time'),
    field('ActivityDate', 'date', 'Due Date Only'),
    field('StartDateTime', 'datetime', 'Start Date Time'),
    field('EndDateTime', 'datetime', 'End Date Time'),
    field('DurationInMinutes', 'int', 'Duration', { precision: 8, scale: 0 }),
    pick('ShowAs', 'Show Time As', ['Busy', 'OutOfOffice', 'Free'], { defaultValue: 'Busy' }),
    pick('EventSubtype', 'Event Subtype', ['Event'], { defaultValue: 'Event' }),
  ]);
  return [task, event];
}
