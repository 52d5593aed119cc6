import * as soqlParserNamespace from 'soql-parser-js';

/**
 * soql-parser-js ships a webpack CommonJS bundle whose named exports Node's ESM loader cannot see
 * (`import { composeQuery }` fails under tsx/node), while bundlers resolve its ESM build. Take the
 * CommonJS `default` when there is one, else the namespace, so both runtimes get the same functions.
 */
const soqlParser: typeof soqlParserNamespace =
  (soqlParserNamespace as { default?: typeof soqlParserNamespace }).default ?? soqlParserNamespace;

export const composeQuery = soqlParser.composeQuery;
export const parseQuery = soqlParser.parseQuery;
export const getField = soqlParser.getField;
