/**
 * The settings forms' model: a field spec per settings key (kind, bounds, pattern, options) read into input values
 * and written back to the `Settings__c` JSON, with the same checks as the server's zod schemas (and the Apex
 * AudienceSetupSettingsCheck). A form never emits settings it knows the server would refuse: `valid` is false and
 * `errors` names each bad key.
 *
 * Field spec: { key, label, kind, required?, min?, max?, pattern?, hint?, options?, help? }
 * Kinds: int, number, positive, text, list, enum, boolean, numberOrText, steps (a Task cadence).
 */

export const STEP_TYPES = ['Call', 'Email', 'Meeting', 'Other'];
export const STEP_PRIORITIES = ['High', 'Normal', 'Low'];
const MAX_STEPS = 20;

function isBlank(value) {
    return value === undefined || value === null || String(value).trim() === '';
}

/** Stored JSON → the form's values by key; keys the spec does not know are kept aside and written back as they were. */
export function readSettings(fields, json) {
    let stored = {};
    try {
        const parsed = json ? JSON.parse(json) : {};
        stored = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
    } catch {
        stored = {};
    }
    const values = {};
    const extra = { ...stored };
    for (const field of fields) {
        const value = stored[field.key];
        delete extra[field.key];
        if (field.kind === 'boolean') values[field.key] = value === true;
        else if (field.kind === 'list')
            values[field.key] = Array.isArray(value) ? value.join(', ') : '';
        else if (field.kind === 'steps')
            values[field.key] = (Array.isArray(value) ? value : []).map((step) => ({
                dayOffset: step?.dayOffset === undefined ? '' : String(step.dayOffset),
                subject: step?.subject ?? '',
                type: step?.type ?? '',
                priority: step?.priority ?? ''
            }));
        else values[field.key] = value === undefined || value === null ? '' : String(value);
    }
    return { values, extra };
}

function checkNumber(field, raw) {
    const n = Number(String(raw).trim());
    if (!Number.isFinite(n)) return { error: 'must be a number' };
    if (field.kind === 'int' && !Number.isInteger(n)) return { error: 'must be a whole number' };
    if (field.kind === 'positive' && n <= 0) return { error: 'must be greater than 0' };
    if (field.min !== undefined && n < field.min) return { error: `must be at least ${field.min}` };
    if (field.max !== undefined && n > field.max) return { error: `must be at most ${field.max}` };
    return { value: n };
}

function checkText(field, raw) {
    const text = String(raw).trim();
    if (field.options && !field.options.includes(text)) {
        return { error: `must be one of ${field.options.join(', ')}` };
    }
    if (field.pattern && !new RegExp(field.pattern).test(text)) return { error: field.hint };
    if (field.max !== undefined && text.length > field.max)
        return { error: `at most ${field.max} characters` };
    return { value: text };
}

function checkSteps(steps) {
    if (steps.length === 0) return { error: 'at least one step' };
    if (steps.length > MAX_STEPS) return { error: `at most ${MAX_STEPS} steps` };
    const value = [];
    for (let i = 0; i < steps.length; i++) {
        const step = steps[i];
        const day = isBlank(step.dayOffset)
            ? { error: 'Required' }
            : checkNumber({ kind: 'int', min: 0, max: 365 }, step.dayOffset);
        if (day.error) return { error: `step ${i + 1}, day: ${day.error}` };
        const subject = String(step.subject ?? '').trim();
        if (subject === '') return { error: `step ${i + 1}, subject: Required` };
        if (subject.length > 255)
            return { error: `step ${i + 1}, subject: at most 255 characters` };
        const out = { dayOffset: day.value, subject };
        if (!isBlank(step.type)) out.type = step.type;
        if (!isBlank(step.priority)) out.priority = step.priority;
        value.push(out);
    }
    return { value };
}

/** One key's value, checked: `{ value }` (undefined = leave the key out) or `{ error }`. */
export function checkField(field, raw) {
    if (field.kind === 'boolean') return { value: raw === true ? true : undefined };
    if (field.kind === 'steps') return checkSteps(raw ?? []);
    if (field.kind === 'list') {
        const items = String(raw ?? '')
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '');
        if (items.length === 0)
            return field.required ? { error: 'Required' } : { value: undefined };
        if (field.max !== undefined && items.length > field.max)
            return { error: `at most ${field.max} items` };
        for (const item of items) {
            const checked = checkText({ pattern: field.pattern, hint: field.hint }, item);
            if (checked.error) return { error: `${item}: ${checked.error}` };
        }
        return { value: items };
    }
    if (isBlank(raw)) return field.required ? { error: 'Required' } : { value: undefined };
    if (['int', 'number', 'positive'].includes(field.kind)) return checkNumber(field, raw);
    if (field.kind === 'numberOrText') {
        const n = Number(String(raw).trim());
        return { value: Number.isFinite(n) ? n : String(raw).trim() };
    }
    return checkText(field, raw);
}

/** The form's values → `{ settings (JSON), valid, errors: { key: message } }`. */
export function writeSettings(fields, values, extra = {}) {
    const settings = { ...extra };
    const errors = {};
    for (const field of fields) {
        const checked = checkField(field, values[field.key]);
        if (checked.error) errors[field.key] = checked.error;
        else if (checked.value !== undefined) settings[field.key] = checked.value;
    }
    const valid = Object.keys(errors).length === 0;
    return { settings: JSON.stringify(settings), valid, errors };
}
