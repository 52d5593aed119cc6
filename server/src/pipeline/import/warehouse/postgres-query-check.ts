import { WarehouseError } from './warehouse-error';

type Parser = typeof import('libpg-query');

/** Statement kinds that write, anywhere in the tree (a data-modifying CTE is one `WITH … DELETE`). */
const WRITING_NODES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

let loaded: Promise<void> | undefined;
let parser: Parser | undefined;

/**
 * The parser is PostgreSQL's own, compiled to WebAssembly: loaded once, before the first check. Imported here, not
 * at the top: importing libpg-query instantiates its WebAssembly at once (+11 MB RSS in a server with no
 * warehouse source, issue 19).
 */
export function loadPostgresParser(): Promise<void> {
  loaded ??= import('libpg-query').then(async (module) => {
    await module.loadModule();
    parser = module;
  });
  return loaded;
}

const refuse = (reason: string): never => {
  throw new WarehouseError('WAREHOUSE_QUERY_REFUSED', `the query was refused: ${reason}`);
};

/** The first problem in the parse tree: a write, `SELECT … INTO` (creates a table) or a row lock (`FOR UPDATE`). */
function findWrite(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findWrite(item);
      if (found) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (WRITING_NODES.has(key)) return `it contains ${key.replace(/Stmt$/, '').toUpperCase()}, which writes`;
    if (key === 'intoClause' && value) return 'SELECT … INTO creates a table';
    if (key === 'lockingClause' && value) return 'FOR UPDATE / FOR SHARE locks rows';
    const found = findWrite(value);
    if (found) return found;
  }
  return undefined;
}

/**
 * Accepts exactly one read-only `SELECT` or `WITH … SELECT` statement, checked on PostgreSQL's own parse tree (so
 * comments, quoted strings and dollar quoting cannot hide a second statement). This is a guard against mistakes,
 * not a security boundary: the read runs in a READ ONLY transaction too, and only a read-only database role stops a
 * query from reading every table it can see (docs/warehouse-sources.md).
 */
export function checkPostgresQuery(query: string): void {
  if (query.trim() === '') refuse('it is empty');
  let tree: { stmts?: { stmt?: Record<string, unknown> }[] };
  try {
    if (!parser) throw new Error('the PostgreSQL parser is not loaded: call loadPostgresParser() first');
    tree = parser.parseSync(query) as typeof tree;
  } catch (error) {
    if (error instanceof Error && /not loaded|not initialized/i.test(error.message)) throw error;
    return refuse(`it is not valid PostgreSQL (${(error as Error).message})`);
  }
  const statements = tree.stmts ?? [];
  if (statements.length !== 1) refuse(`it holds ${statements.length} statements; give exactly one SELECT`);
  const statement = statements[0]?.stmt ?? {};
  const kind = Object.keys(statement)[0] ?? 'nothing';
  if (kind !== 'SelectStmt') refuse(`it is ${kind.replace(/Stmt$/, '').toUpperCase()}, not a SELECT or WITH … SELECT`);
  const write = findWrite(statement);
  if (write) refuse(write);
}
