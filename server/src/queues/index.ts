export * from './graceful-shutdown';
export * from './job-data';
export * from './job-ids';
export * from './queue-errors';
export * from './queue-factory';
export * from './queue-metrics';
export * from './queue-names';
export * from './worker-errors';
