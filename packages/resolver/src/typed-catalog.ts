import type { Catalog } from './types';

declare const permissionNames: unique symbol;

/**
 * A catalog that carries its permission names as a type (never at run time),
 * so compile(model, catalog) returns a Policy<P> whose check() rejects a
 * misspelt name at compile time. A plain Catalog gives Policy<string>.
 */
export interface TypedCatalog<P extends string> extends Catalog {
  readonly [permissionNames]?: P;
}

/** The permission names of a (typed) catalog. */
export type PermissionOf<C> = C extends TypedCatalog<infer P> ? (string extends P ? string : P) : string;
