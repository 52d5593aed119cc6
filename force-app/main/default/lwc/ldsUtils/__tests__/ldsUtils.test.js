import { reduceErrors } from 'c/ldsUtils';

describe('c/ldsUtils reduceErrors', () => {
    it('returns an empty list for nothing', () => {
        expect(reduceErrors(undefined)).toEqual([]);
        expect(reduceErrors([])).toEqual([]);
        expect(reduceErrors(null)).toEqual([]);
    });

    it('reads plain strings and JavaScript errors', () => {
        expect(reduceErrors('plain')).toEqual(['plain']);
        expect(reduceErrors(new TypeError('bad type'))).toEqual(['bad type']);
    });

    it('reads an Apex AuraHandledException body', () => {
        const apexError = { status: 500, body: { message: 'Unknown audience-loop command: X.' } };
        expect(reduceErrors(apexError)).toEqual(['Unknown audience-loop command: X.']);
    });

    it('reads UI API read errors whose body is an array', () => {
        expect(reduceErrors({ body: [{ message: 'first' }, { message: 'second' }] })).toEqual([
            'first',
            'second'
        ]);
    });

    it('reads page and field errors of a record write', () => {
        const writeError = {
            body: {
                message: 'An error occurred while trying to update the record.',
                output: {
                    errors: [{ message: 'Page level problem' }],
                    fieldErrors: { Filter__c: [{ message: 'Filter is not valid JSON' }] }
                }
            }
        };
        expect(reduceErrors(writeError)).toEqual([
            'Page level problem',
            'Filter is not valid JSON'
        ]);
        expect(
            reduceErrors({
                body: {
                    pageErrors: [{ message: 'Locked' }],
                    fieldErrors: { Name: [{ message: 'Required' }] }
                }
            })
        ).toEqual(['Locked', 'Required']);
    });

    it('falls back to statusText and flattens lists of mixed errors', () => {
        expect(
            reduceErrors([{ statusText: 'Service Unavailable' }, 'second', { body: {} }])
        ).toEqual(['Service Unavailable', 'second']);
    });
});
