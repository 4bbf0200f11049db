/** The `default` of an exhaustive switch: a new union member becomes a type error here instead of a silent fall-through. */
export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
