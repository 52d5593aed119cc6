/**
 * Stateful stand-in for lightning/empApi (the ebikes-lwc shape): it remembers subscriptions so a test can fire
 * events at them, see what is subscribed, and make subscribe fail. `resetMock` in afterEach.
 */
let subscriptions = [];
let subscribeError;
let errorCallback;
let nextId = 1;

export const subscribe = jest.fn((channel, replayId, onMessage) => {
    if (subscribeError) return Promise.reject(subscribeError);
    const subscription = { id: nextId++, channel, replayId, onMessage };
    subscriptions.push(subscription);
    return Promise.resolve({ id: subscription.id, channel, replayId });
});

export const unsubscribe = jest.fn((subscription, callback) => {
    subscriptions = subscriptions.filter((s) => s.id !== subscription?.id);
    if (callback) callback({ successful: true });
    return Promise.resolve({ successful: true });
});

export const onError = jest.fn((callback) => {
    errorCallback = callback;
    return Promise.resolve();
});

export const setDebugFlag = jest.fn(() => Promise.resolve());
export const isEmpEnabled = jest.fn(() => Promise.resolve(true));

/** Delivers `payload` as a platform event on `channel` to every live subscription of it. */
export function fireMockEvent(channel, payload) {
    for (const subscription of subscriptions.filter((s) => s.channel === channel)) {
        subscription.onMessage({
            channel,
            data: { schema: 'mock', payload, event: { replayId: 1 } }
        });
    }
}

/** Fails the CometD stream as the platform's onError would. */
export function fireMockError(error) {
    if (errorCallback) errorCallback(error);
}

export function setMockSubscribeError(error) {
    subscribeError = error;
}

/** The channels with a live subscription, one entry per subscription. */
export function activeSubscriptions() {
    return subscriptions.map((s) => s.channel);
}

export function resetMock() {
    subscriptions = [];
    subscribeError = undefined;
    errorCallback = undefined;
    nextId = 1;
}
