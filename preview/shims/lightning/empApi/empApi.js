// lightning/empApi in the preview: each subscription is a server-sent event stream from the preview server, which
// holds one CometD client on the org for it (as each subscribed tab is one client on the platform).
let errorCallback;
let debug = false;
const streams = new Map();
let nextId = 0;

export function subscribe(channel, replayId, onMessage) {
  return new Promise((resolve, reject) => {
    const id = `preview-sub-${++nextId}`;
    const url = `/__preview/emp/subscribe?channel=${encodeURIComponent(channel)}&replayId=${replayId}`;
    const source = new EventSource(url);
    let opened = false;
    source.addEventListener('subscribed', () => {
      opened = true;
      streams.set(id, source);
      resolve({ id, channel, replayId });
    });
    source.addEventListener('event', (message) => {
      const event = JSON.parse(message.data);
      if (debug) console.log('empApi', channel, event);
      onMessage(event);
    });
    source.addEventListener('failure', (message) => {
      const error = JSON.parse(message.data);
      source.close();
      streams.delete(id);
      if (errorCallback) errorCallback(error);
      if (!opened) reject(error);
    });
    source.onerror = () => {
      if (!opened) {
        source.close();
        const error = { channel, error: 'could not open the preview event stream' };
        if (errorCallback) errorCallback(error);
        reject(error);
      }
    };
  });
}

export function unsubscribe(subscription, callback) {
  const source = subscription && streams.get(subscription.id);
  if (source) {
    source.close();
    streams.delete(subscription.id);
  }
  if (callback) callback({ successful: Boolean(source), subscription: subscription && subscription.channel });
  return Promise.resolve(Boolean(source));
}

export function onError(callback) {
  errorCallback = callback;
}

export function setDebugFlag(flag) {
  debug = Boolean(flag);
  return Promise.resolve(debug);
}

export function isEmpEnabled() {
  return Promise.resolve(typeof EventSource !== 'undefined');
}
