/**
 * Error helpers shared by every audience-loop component. Components never pick error bodies apart themselves:
 * they pass whatever they caught to `reduceErrors` and show the result (usually through `c-error-panel`).
 */

/**
 * Collects the human-readable messages from one error or a list of errors. Understands the shapes that reach
 * a component: UI API read errors (`body` is an array), record write errors (`body.pageErrors`,
 * `body.fieldErrors`, `body.output`), Apex exceptions (`body.message`), JavaScript errors (`message`), fetch
 * responses (`statusText`) and plain strings.
 *
 * @param {unknown} errors one error, or an array of them
 * @returns {string[]} the messages in order, without blanks
 */
export function reduceErrors(errors) {
    const list = Array.isArray(errors) ? errors : [errors];
    return list
        .filter((error) => error !== undefined && error !== null)
        .flatMap((error) => messagesOf(error))
        .filter((message) => typeof message === 'string' && message.trim().length > 0);
}

function messagesOf(error) {
    if (typeof error === 'string') {
        return [error];
    }
    const body = error.body;
    if (Array.isArray(body)) {
        return body.map((entry) => entry?.message);
    }
    if (body && typeof body === 'object') {
        const found = [
            ...pageAndFieldMessages(body),
            ...(body.output ? pageAndFieldMessages(body.output) : [])
        ];
        if (found.length === 0 && typeof body.message === 'string') {
            found.push(body.message);
        }
        if (found.length > 0) {
            return found;
        }
    }
    if (typeof error.message === 'string') {
        return [error.message];
    }
    return [error.statusText];
}

function pageAndFieldMessages(source) {
    const messages = [];
    for (const key of ['pageErrors', 'errors']) {
        if (Array.isArray(source[key])) {
            messages.push(...source[key].map((entry) => entry?.message));
        }
    }
    if (source.fieldErrors && typeof source.fieldErrors === 'object') {
        for (const fieldErrors of Object.values(source.fieldErrors)) {
            if (Array.isArray(fieldErrors)) {
                messages.push(...fieldErrors.map((entry) => entry?.message));
            }
        }
    }
    return messages;
}
