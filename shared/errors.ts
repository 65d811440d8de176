/** An error with an HTTP status and a stable machine-readable code; rendered as {"error": {code, message}}. */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new AppError(400, 'bad_request', message, details);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new AppError(409, 'conflict', message);

/** Errors worth retrying (a database or store that is briefly away) versus bad input that never will succeed. */
export class PermanentError extends Error {
  constructor(
    message: string,
    public readonly code = 'permanent_failure',
  ) {
    super(message);
    this.name = 'PermanentError';
  }
}

/**
 * An error message fit for viewers: file-system paths (the server's temporary copies, its data
 * folder) become just the file's name. The full message stays in the log.
 */
export function redactPaths(message: string): string {
  return message.replace(/(?<![\w:/.])(?:\/[^\s'"`:,;()<>[\]{}]+){2,}/g, (p) => `<${p.slice(p.lastIndexOf('/') + 1) || 'file'}>`);
}
