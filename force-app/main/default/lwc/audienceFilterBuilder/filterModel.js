/**
 * The filter builder's model: a tree of groups (all / any / not) and conditions, turned into the filter JSON of
 * DESIGN.md section 7 and back. Only complete conditions with values of the field's type are emitted, so the JSON
 * the builder produces is always valid; the server and the Apex compiler still validate it.
 */

const TEXT_TYPES = new Set([
    'string',
    'textarea',
    'email',
    'phone',
    'url',
    'id',
    'reference',
    'combobox'
]);
const NUMBER_TYPES = new Set(['double', 'currency', 'percent', 'integer', 'long']);
const DATE_TYPES = new Set(['date', 'datetime']);

/** Operators valid for each kind of field, in the order the picker shows them. */
const OPERATORS_BY_KIND = {
    text: ['eq', 'ne', 'in', 'not_in', 'contains', 'starts_with', 'is_blank', 'is_not_blank'],
    picklist: ['eq', 'ne', 'in', 'not_in', 'is_blank', 'is_not_blank'],
    number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'is_blank', 'is_not_blank'],
    date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'is_blank', 'is_not_blank', 'changed_within_days'],
    boolean: ['eq', 'ne']
};

export const OPERATOR_LABELS = {
    eq: 'equals',
    ne: 'does not equal',
    gt: 'greater than',
    gte: 'greater or equal',
    lt: 'less than',
    lte: 'less or equal',
    in: 'is one of',
    not_in: 'is none of',
    contains: 'contains',
    starts_with: 'starts with',
    is_blank: 'is blank',
    is_not_blank: 'is not blank',
    changed_within_days: 'within the last N days'
};

const NO_VALUE = new Set(['is_blank', 'is_not_blank']);
const LIST_VALUE = new Set(['in', 'not_in']);

/** The kind of a describe type (lower case), or null for types the filter language cannot compare. */
export function kindOf(type) {
    const t = (type || '').toLowerCase();
    if (TEXT_TYPES.has(t)) return 'text';
    if (t === 'picklist') return 'picklist';
    if (NUMBER_TYPES.has(t)) return 'number';
    if (DATE_TYPES.has(t)) return 'date';
    if (t === 'boolean') return 'boolean';
    return null;
}

export function operatorsFor(type) {
    const kind = kindOf(type);
    return kind ? OPERATORS_BY_KIND[kind] : [];
}

export function needsValue(op) {
    return !NO_VALUE.has(op);
}

export function isListOperator(op) {
    return LIST_VALUE.has(op);
}

let nextId = 1;
function id(prefix) {
    nextId += 1;
    return `${prefix}${nextId}`;
}

export function newCondition() {
    return { id: id('c'), type: 'condition', field: '', op: '', value: '' };
}

export function newGroup(kind = 'all') {
    return { id: id('g'), type: 'group', kind, children: [] };
}

/** One scalar typed to the field: a number, a boolean, or a string (dates stay ISO strings). */
function typedScalar(raw, fieldType, op) {
    const kind = kindOf(fieldType);
    const text = typeof raw === 'string' ? raw.trim() : raw;
    if (text === '' || text === undefined || text === null) return undefined;
    if (op === 'changed_within_days') {
        const days = Number(text);
        return Number.isInteger(days) && days > 0 ? days : undefined;
    }
    if (kind === 'number') {
        const n = Number(text);
        return Number.isFinite(n) ? n : undefined;
    }
    if (kind === 'boolean') {
        if (text === true || text === 'true') return true;
        if (text === false || text === 'false') return false;
        return undefined;
    }
    if (kind === 'date') {
        const iso = String(text);
        return /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(iso) ? iso : undefined;
    }
    return String(text);
}

/** The typed value of a condition, or undefined when it is missing or not of the field's type. */
export function typedValue(condition, fieldType) {
    if (!needsValue(condition.op)) return undefined;
    if (isListOperator(condition.op)) {
        const parts = String(condition.value ?? '')
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '');
        const values = parts.map((part) => typedScalar(part, fieldType, condition.op));
        return values.length > 0 && values.every((v) => v !== undefined) ? values : undefined;
    }
    return typedScalar(condition.value, fieldType, condition.op);
}

/** Whether a condition can be emitted: a known field, an operator valid for its type and a typed value. */
export function isComplete(condition, fieldsByName) {
    const field = fieldsByName[condition.field];
    if (!field || !operatorsFor(field.type).includes(condition.op)) return false;
    return !needsValue(condition.op) || typedValue(condition, field.type) !== undefined;
}

function nodeToJson(node, fieldsByName, isRoot) {
    if (node.type === 'condition') {
        if (!isComplete(node, fieldsByName)) return undefined;
        const out = { field: node.field, op: node.op };
        if (needsValue(node.op)) out.value = typedValue(node, fieldsByName[node.field].type);
        return out;
    }
    const children = node.children
        .map((child) => nodeToJson(child, fieldsByName, false))
        .filter((child) => child !== undefined);
    if (children.length === 0 && !isRoot) return undefined;
    if (node.kind === 'not') {
        // "None of": not (any of the children).
        return { not: children.length === 1 ? children[0] : { any: children } };
    }
    return { [node.kind]: children };
}

/** The filter JSON object for a tree; the root is always emitted (`{"all": []}` matches every record). */
export function toFilter(root, fields) {
    const fieldsByName = Object.fromEntries((fields || []).map((f) => [f.name, f]));
    return nodeToJson(root, fieldsByName, true);
}

function valueText(value) {
    if (value === undefined || value === null) return '';
    if (Array.isArray(value)) return value.join(', ');
    return String(value);
}

function fromNode(node) {
    if (node && Array.isArray(node.all))
        return { ...newGroup('all'), children: node.all.map(fromNode) };
    if (node && Array.isArray(node.any))
        return { ...newGroup('any'), children: node.any.map(fromNode) };
    if (node && node.not) {
        const inner = node.not;
        const children = Array.isArray(inner.any) ? inner.any.map(fromNode) : [fromNode(inner)];
        return { ...newGroup('not'), children };
    }
    return {
        ...newCondition(),
        field: node?.field ?? '',
        op: node?.op ?? '',
        value: valueText(node?.value)
    };
}

/** The tree for a filter JSON string; blank or unreadable JSON starts from an empty "all" group. */
export function fromFilter(json) {
    if (!json) return newGroup('all');
    try {
        const parsed = JSON.parse(json);
        const root = fromNode(parsed);
        return root.type === 'group' ? root : { ...newGroup('all'), children: [root] };
    } catch {
        // Hand-typed JSON that does not parse: start over rather than show a broken tree.
        return newGroup('all');
    }
}

/** The tree as rows (depth-first), which the template renders with indentation instead of recursion. */
export function flatten(root) {
    const rows = [];
    const walk = (node, depth, parentId) => {
        rows.push({ node, depth, parentId });
        if (node.type === 'group')
            node.children.forEach((child) => walk(child, depth + 1, node.id));
    };
    walk(root, 0, null);
    return rows;
}

/** A copy of the tree with `change(node)` applied to the node with `nodeId`; `change` returning null removes it. */
export function updateNode(node, nodeId, change) {
    if (node.id === nodeId) return change(node);
    if (node.type !== 'group') return node;
    return {
        ...node,
        children: node.children
            .map((child) => updateNode(child, nodeId, change))
            .filter((child) => child !== null)
    };
}
