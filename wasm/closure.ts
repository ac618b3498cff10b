// Capturing closures. AssemblyScript has none (AS100 "Not implemented: Closures"), so the toolchain's closure
// transform (host/toolchain/closures.ts) lifts every arrow function that captures a local, a parameter or `this`
// into an environment class that extends `Closure`, holding the captured values, plus a non-capturing function that
// reads them from it.
//
// The value the guest gets is the environment object itself, typed as a function `(self: Closure) => R`: its first
// two fields are laid out like a function object's (`Function#_index`, `Function#_env`), so calling it through the
// function type calls the lifted function, and `self` (its `_env`) is the environment. A static function object
// has `_env` 0; a closure's `_env` points to itself: that is how the runtime tells them apart. One allocation per
// closure, collected like any guest object (the collector traces its captured references by its runtime class).
//
// The API functions that take `(fn, arg)` (spawn, spawnBackground, withTimeout, onExit) default `A` to `Closure` and
// `arg` to null: called with a closure alone, they pass the closure as its own argument. `Once.call` takes one too.

/** The environment of a capturing closure; a closure's type is `(self: Closure) => R`. */
// @ts-ignore: decorator
@global export class Closure {
  // Both set by __vt_closureOf (a new object is zeroed: no initializers to store twice).
  /** The lifted function's table index (where `Function#_index` is). */
  index: u32;
  /** This object's own address (where `Function#_env` is): non-zero marks a closure. */
  self: usize;
}

/** Byte offset of `Function#_env` in a function object, and of `Closure#self`. */
// @ts-ignore: decorator
@inline export const CLOSURE_ENV_OFFSET: usize = offsetof<Closure>("self");

/**
 * Makes `env` the closure of `fn`, a non-capturing function that takes the environment as its first parameter.
 * Called by the code the transform generates, never by hand.
 */
// @ts-ignore: decorator
@global export function __vt_closureOf<F>(fn: F, env: Closure): F {
  env.index = load<u32>(changetype<usize>(fn)); // a function object's first field is its table index
  env.self = changetype<usize>(env);
  return changetype<F>(env);
}

/** The environment of `fn` if it is a capturing closure, else 0 (a plain function). */
// @ts-ignore: decorator
@inline export function closureEnv<F>(fn: F): usize {
  return load<usize>(changetype<usize>(fn), CLOSURE_ENV_OFFSET);
}

/**
 * The argument an API function taking `(fn, arg = null)` passes to `fn`: `arg`, or, when `fn` is a closure given
 * alone, the closure itself (its environment). For `spawn`-like functions: `<A = Closure, R = void>(fn: (arg: A) =>
 * R, arg: A = changetype<A>(0))`, then `arg = closureArg(fn, arg)`.
 */
// @ts-ignore: decorator
@inline export function closureArg<F, A>(fn: F, arg: A): A {
  if (isReference<A>()) {
    const env = closureEnv(fn);
    if (env != 0) {
      const given = changetype<usize>(arg);
      // Another object would be read as this closure's captured values.
      if (given != 0 && given != env) throw new Error("a capturing closure takes no argument: pass it alone");
      return changetype<A>(env);
    }
  }
  return arg;
}

/**
 * The lifted function was called with an object that is not its environment (a closure called through its type
 * with another argument than itself): fail rather than read another object as the captured values.
 */
// @ts-ignore: decorator
@global export function __vt_closureMisuse(): void {
  throw new Error("a capturing closure was called with another object than itself: call it with callClosure(f)");
}

/** Calls a closure (or a plain function of the same type, with a null environment). */
export function callClosure<R>(fn: (self: Closure) => R): R {
  return fn(changetype<Closure>(closureEnv(fn)));
}
