/**
 * Errors are data with a code. Every layer throws `ColossusError`; the CLI maps
 * `exitCode`, the HTTP layer maps `httpStatus`, and the message always says
 * what is wrong, where, and how to fix it.
 */
export type ErrorCode =
  | 'usage' // bad flags, unknown preset, invalid file field → exit 2, HTTP 400
  | 'invalid' // a value that parses but makes no sense (0 GPUs, tp=12) → exit 2, HTTP 400/422
  | 'not-found' // a named thing that does not exist → exit 2, HTTP 404
  | 'infeasible' // a negative answer: does not fit, nothing feasible → exit 3, HTTP 422
  | 'conflict' // state does not allow it → exit 1, HTTP 409
  | 'unauthorized' // exit 1, HTTP 401
  | 'forbidden' // exit 1, HTTP 403
  | 'failure'; // anything else that went wrong → exit 1, HTTP 500

const EXIT: Record<ErrorCode, number> = {
  usage: 2,
  invalid: 2,
  'not-found': 2,
  infeasible: 3,
  conflict: 1,
  unauthorized: 1,
  forbidden: 1,
  failure: 1,
};

const HTTP: Record<ErrorCode, number> = {
  usage: 400,
  invalid: 400,
  'not-found': 404,
  infeasible: 422,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  failure: 500,
};

export interface ErrorOptions {
  /** Where the problem is: a file, a field path, a flag. */
  where?: string;
  /** How to fix it. */
  hint?: string;
  /** Machine-readable details (valid names, the memory breakdown, …). */
  details?: Record<string, unknown>;
}

export class ColossusError extends Error {
  readonly code: ErrorCode;
  readonly where?: string;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message);
    this.name = 'ColossusError';
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
    this.details = options.details;
  }

  get exitCode(): number {
    return EXIT[this.code];
  }

  get httpStatus(): number {
    return HTTP[this.code];
  }

  /** One human line (or a few): `where: message (hint)`. */
  describe(): string {
    const head = this.where ? `${this.where}: ${this.message}` : this.message;
    return this.hint ? `${head}\n  ${this.hint}` : head;
  }
}

export const isColossusError = (e: unknown): e is ColossusError => e instanceof ColossusError;

/** Throws a usage error naming the valid choices. */
export function unknownName(kind: string, name: string, valid: readonly string[], where?: string): never {
  throw new ColossusError('usage', `unknown ${kind} '${name}'`, {
    where,
    hint: `valid ${kind}s: ${valid.join(', ')}`,
    details: { valid },
  });
}
