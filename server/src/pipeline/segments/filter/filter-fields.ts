import { isAllNode, isAnyNode, isNotNode, type Filter } from './filter-types';

/**
 * Every field a filter names, once each (case-insensitively, first spelling kept), in document order.
 * The import mirror keeps these fields for every record the filter's object imports.
 */
export function fieldsOfFilter(filter: Filter): string[] {
  const seen = new Map<string, string>();
  const visit = (node: Filter): void => {
    if (isAllNode(node)) node.all.forEach(visit);
    else if (isAnyNode(node)) node.any.forEach(visit);
    else if (isNotNode(node)) visit(node.not);
    else if (!seen.has(node.field.toLowerCase())) seen.set(node.field.toLowerCase(), node.field);
  };
  visit(filter);
  return [...seen.values()];
}
