/** The error catalogue lives in `core/errors.ts`, where `schema/` may import it too. */
export * from '../../core/errors.ts';
