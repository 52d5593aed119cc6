export * from './filter-types';
export * from './filter-error';
export { filterSchema, parseFilter, FILTER_LIMITS } from './filter-schema';
export { fieldsOfFilter } from './filter-fields';
export * from './filter-field-types';
export { parseFilterFieldName, PARENT_RELATIONSHIPS, type ParentRelationship } from './filter-field-name';
export { validateFilterFields } from './validate-filter-fields';
export { evaluateFilter, type EvaluateFilterOptions } from './evaluate-filter';
export {
  buildQuery,
  compileFilterToWhere,
  type BuildQueryInput,
  type CompileFilterOptions,
  type QueryOrder,
} from './compile-filter-to-soql';
