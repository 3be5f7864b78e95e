/**
 * @module api/schema
 * Reads the console's API types out of the generated `paths` (./openapi.ts, from the server's own
 * OpenAPI document): the JSON an operation answers with, takes as its body, or takes as its
 * query string. Ward's schemas are inline, not named components, so types are found by path.
 */
import type { paths } from './openapi';

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** A path of the API as the OpenAPI document spells it, e.g. `/api/v1/orgs/{org}`. */
export type ApiPath = keyof paths;

type Operation<P extends ApiPath, M extends Method> = paths[P][M];
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;

/** The JSON of the operation's successful answer (Ward answers 200, 201 or 202). */
export type Json<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer S }
      ? JsonOf<S>
      : R extends { 201: infer S }
        ? JsonOf<S>
        : R extends { 202: infer S }
          ? JsonOf<S>
          : never
    : never;

/** The JSON body the operation takes. */
export type Body<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/** The operation's query string, as an object of its parameters. */
export type Query<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
