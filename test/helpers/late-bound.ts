/**
 * A stand-in for a value a `beforeAll` makes, so a test file can name it at the top:
 * property reads go to the value once `set` has given it (methods bound to it), and throw before.
 */
export function lateBound<T extends object>(what: string): { proxy: T; set(value: T | undefined): void } {
  let current: T | undefined;
  const proxy = new Proxy({} as T, {
    get(_target, property) {
      if (current === undefined) throw new Error(`${what} is used before the beforeAll that makes it`);
      const value: unknown = Reflect.get(current, property, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
  return {
    proxy,
    set(value) {
      current = value;
    },
  };
}
