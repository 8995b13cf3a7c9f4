// One abort listener on the gateway's shutdown signal, fanning out to every request in flight. A
// listener per request on the shared signal is removed when the request ends, yet with more than ten
// requests in flight (hedged and continued streams live long) Node warns of a listener leak on it;
// a set of callbacks here has no such limit and costs nothing per request on the signal itself.

const callbacksBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `callback` when `signal` aborts; the returned function unregisters it (call it when the request ends). */
export function onShutdown(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = callbacksBySignal.get(signal);
  if (!callbacks) {
    const registered = new Set<() => void>();
    callbacks = registered;
    callbacksBySignal.set(signal, registered);
    signal.addEventListener(
      'abort',
      () => {
        for (const registeredCallback of [...registered]) registeredCallback();
        registered.clear();
      },
      { once: true },
    );
  }
  const set = callbacks;
  set.add(callback);
  return () => {
    set.delete(callback);
  };
}
