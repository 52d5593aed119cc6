export * from './api-budget-governor';
export * from './budget-errors';
export * from './budget-gate';
export * from './budget-state';
export * from './parse-limit-info';
