/*
 * Why a check type and not just the declared unions: `{ strategy: 'magnitude', typo: 1 }` is assignable
 * to `StrategyOptionsInput` through its `Undeclared<'strategy'>` member ('magnitude' is a string, and
 * that member takes any option), and TypeScript has no "string but not these names" type. So
 * `prune()` and `defineConfig()` infer the literal they are given (a `const` type parameter) and
 * check it against `Checked<literal, declared type>` (see `Valid`): wherever a union has an `Undeclared<key>`
 * member, a declared name selects its own options type (a discriminated union), keys it does not
 * know must be `UnknownKey` (nothing can be), and only a name no registry declares falls through to
 * "anything goes".
 */

type IsAny<T> = 0 extends 1 & T ? true : false

/** Keys an object type declares by name (index signatures left out). */
type NamedKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] }

/** The key of an `Undeclared<key>` member: a named key typed as any string. */
type NameKey<U> = U extends unknown ? { [K in NamedKeys<U>]: U[K] extends string ? (string extends U[K] ? K : never) : never }[NamedKeys<U>] : never

/** `Undeclared<key>` members: an index signature and a name key. */
type OpenMembers<O> = O extends unknown ? (string extends keyof O ? ([NameKey<O>] extends [never] ? never : O) : never) : never

type KnownMembers<O> = O extends unknown ? (string extends keyof O ? ([NameKey<O>] extends [never] ? O : never) : O) : never

type ObjectMembers<E> = E extends readonly unknown[] ? never : E extends (...args: never[]) => unknown ? never : E extends object ? E : never
type ArrayElement<E> = E extends readonly (infer I)[] ? I : never

declare const unknownKey: unique symbol
/** What an undeclared key must be: nothing a value can be, named so that the error message says why. */
export type UnknownKey<P> = { readonly [unknownKey]: P }

/** T's keys that M declares are checked against M, the others are `UnknownKey`; M's keys T lacks stay as M has them (required ones must be given). */
type Exact<T, M> = { [P in keyof T]: P extends keyof M ? Checked<T[P], M[P]> : UnknownKey<P> } & Omit<M, keyof T>
type ExactEach<T, M> = M extends unknown ? Exact<T, M> : never

/** An undeclared name (typed as any name, so editors still offer the declared ones): its declared keys (e.g. `schedule`) are still checked, the rest is free. */
type Free<T, U, D extends PropertyKey, Names> = { [P in keyof T]: P extends D ? Names | (string & {}) : P extends NamedKeys<U> ? Checked<T[P], U[P & keyof U]> : T[P] }

type NameOf<M, D extends PropertyKey> = M extends unknown ? (D extends keyof M ? Exclude<M[D], undefined> : never) : never
type Named<M, D extends PropertyKey, N> = M extends unknown ? (D extends keyof M ? (N extends M[D] ? M : never) : never) : never
type Unnamed<M, D extends PropertyKey> = M extends unknown ? (D extends keyof M ? (undefined extends M[D] ? M : never) : M) : never

type CheckedNamed<T, Known, Open, D extends PropertyKey> = D extends keyof T
  ? T[D] extends NameOf<Known, D>
    ? ExactEach<T, Named<Known, D, T[D]>>
    : Free<T, Open, D, NameOf<Known, D>>
  : [Unnamed<Known, D>] extends [never]
    ? Open
    : ExactEach<T, Unnamed<Known, D>>

/** Members whose keys include all of T's (a one-key map picks its entry); none: check against each. */
type Matching<T, O> = O extends unknown ? ([Exclude<keyof T, keyof O>] extends [never] ? O : never) : never
type CheckedClosed<T, O> = [Matching<T, O>] extends [never] ? ExactEach<T, O> : ExactEach<T, Matching<T, O>>

type CheckedObject<T, O> = [O] extends [never]
  ? never
  : [OpenMembers<O>] extends [never]
    ? CheckedClosed<T, O>
    : CheckedNamed<T, KnownMembers<O>, OpenMembers<O>, NameKey<OpenMembers<O>>>

/** What a literal `T` must be to be a valid `E` (see the comment at the top of this file). */
export type Checked<T, E> =
  IsAny<T> extends true ? T : T extends readonly unknown[] ? { [I in keyof T]: Checked<T[I], ArrayElement<E>> } : T extends object ? CheckedObject<T, ObjectMembers<E>> : E

/**
 * A parameter type: `value: Valid<T, E>` infers `T` from the value (with `const T`), and is `T` when
 * the value is valid, else the type it should have, so errors point at the offending key.
 */
export type Valid<T, E> = [T] extends [Checked<T, E>] ? T : Checked<T, E>
