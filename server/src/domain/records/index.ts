export * from './field-spec';
export * from './config-objects';
export * from './result-objects';
export * from './record-fields';
export * from './platform-events';
