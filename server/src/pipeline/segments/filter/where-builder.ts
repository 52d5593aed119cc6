import type { NegationCondition, Operator, ValueCondition, WhereClause } from 'soql-parser-js';

/** A boolean expression over SOQL conditions, before it is laid out as soql-parser-js's linked list. */
export type WhereExpr =
  | { kind: 'condition'; condition: SoqlCondition }
  | { kind: 'and' | 'or'; items: WhereExpr[] }
  | { kind: 'not'; item: WhereExpr };

/** One `field operator value` with its literal type(s); parentheses are added by the builder. */
export interface SoqlCondition {
  field: string;
  operator: Operator;
  value: string | string[];
  literalType: NonNullable<ValueCondition['literalType']>;
  dateLiteralVariable?: number;
}

type Token =
  | { kind: 'open' }
  | { kind: 'close' }
  | { kind: 'not' }
  | { kind: 'join'; operator: 'AND' | 'OR' }
  | { kind: 'condition'; condition: SoqlCondition };

interface MutableNode {
  left: (ValueCondition & { dateLiteralVariable?: number }) | NegationCondition | null;
  operator?: 'AND' | 'OR' | 'NOT';
  right?: MutableNode;
}

/**
 * Lays an expression out as soql-parser-js's WhereClause: a chain of `left operator right` where
 * parentheses are counts on the first and last condition of a group and `NOT` is a node with no left
 * condition (or a negation placeholder holding the parentheses that open before it). Groups inside
 * AND/OR and every NOT operand are parenthesised, so the SOQL never relies on precedence.
 */
export function buildWhereClause(expr: WhereExpr): WhereClause {
  const tokens: Token[] = [];
  emit(expr, tokens);
  return link(tokens);
}

function emit(expr: WhereExpr, tokens: Token[]): void {
  switch (expr.kind) {
    case 'condition':
      tokens.push({ kind: 'condition', condition: expr.condition });
      return;
    case 'and':
    case 'or':
      expr.items.forEach((item, index) => {
        if (index > 0) tokens.push({ kind: 'join', operator: expr.kind === 'and' ? 'AND' : 'OR' });
        if (item.kind === 'and' || item.kind === 'or') {
          tokens.push({ kind: 'open' });
          emit(item, tokens);
          tokens.push({ kind: 'close' });
        } else {
          emit(item, tokens);
        }
      });
      return;
    case 'not':
      tokens.push({ kind: 'not' }, { kind: 'open' });
      emit(expr.item, tokens);
      tokens.push({ kind: 'close' });
      return;
  }
}

function link(tokens: Token[]): WhereClause {
  const nodes: MutableNode[] = [];
  let pendingOpen = 0;
  let lastCondition: ValueCondition | undefined;
  for (const token of tokens) {
    switch (token.kind) {
      case 'open':
        pendingOpen += 1;
        break;
      case 'not':
        nodes.push({ left: pendingOpen > 0 ? { openParen: pendingOpen } : null, operator: 'NOT' });
        pendingOpen = 0;
        break;
      case 'condition': {
        const condition: ValueCondition & { dateLiteralVariable?: number } = { ...token.condition };
        if (pendingOpen > 0) condition.openParen = pendingOpen;
        pendingOpen = 0;
        lastCondition = condition;
        nodes.push({ left: condition });
        break;
      }
      case 'close':
        if (!lastCondition) throw new Error('where-builder: ")" before any condition');
        lastCondition.closeParen = (lastCondition.closeParen ?? 0) + 1;
        break;
      case 'join': {
        const last = nodes[nodes.length - 1];
        if (!last) throw new Error('where-builder: AND/OR before any condition');
        last.operator = token.operator;
        break;
      }
    }
  }
  for (let index = nodes.length - 2; index >= 0; index -= 1) {
    nodes[index]!.right = nodes[index + 1];
  }
  const head = nodes[0];
  if (!head) throw new Error('where-builder: empty expression');
  return head as WhereClause;
}
