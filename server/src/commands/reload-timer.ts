/** The clock and timer the config reloader paces itself by; tests hand in one they move themselves. */
export interface ReloadTimer {
  now(): number;
  /** Calls `fn` once after `ms`; returns a function that cancels the call. */
  after(ms: number, fn: () => void): () => void;
}

export const systemReloadTimer: ReloadTimer = {
  now: () => Date.now(),
  after: (ms, fn) => {
    const handle = setTimeout(fn, ms);
    // A reload waiting for its turn must not keep a stopping process alive.
    handle.unref();
    return () => clearTimeout(handle);
  },
};
