/**
 * A human reading of a 5-field cron (minute hour day-of-month month day-of-week), as the server runs it in the
 * plan's time zone (cron-parser). Common shapes read as sentences; anything else reads field by field. `error` is
 * set when the expression is not 5 fields of cron syntax (the server would refuse it too).
 */
const DAYS = [
    'Sunday',
    'Monday',
    'Tuesday',
    'Wednesday',
    'Thursday',
    'Friday',
    'Saturday',
    'Sunday'
];
const MONTHS = [
    '',
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December'
];
const FIELD =
    /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?(,([0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?)*$/;
const NUMBER = /^\d+$/;
const EVERY = /^\*\/(\d+)$/;

function pad(n) {
    return String(n).padStart(2, '0');
}

function list(value, names) {
    return value
        .split(',')
        .map((part) => {
            const [from, to] = part.split('-');
            const name = (v) => (NUMBER.test(v) && names[Number(v)] ? names[Number(v)] : v);
            return to === undefined ? name(from) : `${name(from)} to ${name(to)}`;
        })
        .join(', ');
}

function timePhrase(minute, hour) {
    if (NUMBER.test(minute) && NUMBER.test(hour)) return `at ${pad(hour)}:${pad(minute)}`;
    if (minute === '*' && hour === '*') return 'every minute';
    if (EVERY.test(minute) && hour === '*') return `every ${EVERY.exec(minute)[1]} minutes`;
    if (NUMBER.test(minute) && hour === '*') return `every hour at minute ${minute}`;
    if (NUMBER.test(minute) && EVERY.test(hour))
        return `every ${EVERY.exec(hour)[1]} hours at minute ${minute}`;
    if (NUMBER.test(minute)) return `at minute ${minute} of hours ${hour}`;
    return `at minutes ${minute} of hours ${hour}`;
}

function dayPhrase(dom, month, dow) {
    const parts = [];
    const anyDom = dom === '*' || dom === '?';
    const anyDow = dow === '*' || dow === '?';
    if (anyDom && anyDow) parts.push('every day');
    if (!anyDow) parts.push(`on ${list(dow, DAYS)}`);
    if (!anyDom) parts.push(`on day ${list(dom, [])} of the month`);
    if (month !== '*') parts.push(`in ${list(month, MONTHS)}`);
    return parts.join(' ');
}

/** `{ reading }` for a valid expression, `{ error }` otherwise; blank → `{}` (no schedule). */
export function readCron(expression) {
    const text = (expression ?? '').trim();
    if (text === '') return {};
    const fields = text.split(/\s+/);
    if (fields.length !== 5)
        return {
            error: `a schedule has 5 fields (minute hour day month weekday), not ${fields.length}`
        };
    if (!fields.every((field) => FIELD.test(field))) return { error: 'not cron syntax' };
    const [minute, hour, dom, month, dow] = fields;
    const reading = `${dayPhrase(dom, month, dow)}, ${timePhrase(minute, hour)}`;
    return { reading: reading.charAt(0).toUpperCase() + reading.slice(1) };
}

/** Whether the browser knows the IANA zone (the server checks it the same way, with Intl). */
export function isTimeZone(zone) {
    try {
        Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions();
        return true;
    } catch {
        return false;
    }
}
