/** An error that reaches the client as-is: a status and a message saying what was wrong. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const ACTION_ERROR_STATUS = {
  forbidden: 403,
  illegal: 409,
  stale: 409,
  invalid: 400,
} as const;
