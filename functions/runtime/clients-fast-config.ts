/*
 * Why a client's `config` is given back fast property storage (docs/architecture.md §9: CPU a request). An SDK
 * client builds its config by `Object.assign`-ing ~50 settings onto one object, which V8 then keeps in dictionary
 * mode; every request spreads that object three or four times (`{...config, ...context}` in the serializer, the
 * deserializer, the endpoint resolver and the signer), and a spread of this dictionary-mode object costs 27–53 µs
 * where a fast one costs 2–4 µs. The middlewares hold this very object, and the `credentials` accessor on it returns
 * the SDK's memoized provider (refreshed when the credentials expire), so it is made fast in place: the same object,
 * properties and accessor; nothing the SDK or AWS sees changes.
 */

let onProbation: object | null = null;

/**
 * V8 migrates a dictionary-mode object to fast properties when a property load with feedback meets it as a
 * constructor's prototype (the to-fast-properties package's technique); the prototype is unhooked at once.
 */
function FastProperties(): object | undefined {
  const target = onProbation;
  // The load that makes V8 migrate the prototype; its value is never used.
  if (target !== null && typeof (target as { readonly probe?: unknown }).probe) {
    onProbation = null;
    FastProperties.prototype = null;
    return target;
  }
  return undefined;
}

function makeFast(target: object): void {
  onProbation = target;
  FastProperties.prototype = target;
  new (FastProperties as unknown as new () => object)();
}

// V8 gives a function feedback (which the load needs) only after several calls: these are made before any client.
for (let call = 0; call < 64; call++) makeFast(Object.create(null));

/** The client itself, its config now stored as fast properties. */
export function withFastConfig<C extends { readonly config: object }>(client: C): C {
  makeFast(client.config);
  return client;
}
