/**
 * @module backups/jobs/operation-failed
 * A verdict (a corrupt backup, a red drill) that a retry would not change: the operation fails
 * at once, with the result that shows why. Anything else a runner throws is retried.
 */
export class OperationFailed extends Error {
  constructor(
    message: string,
    readonly result?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'OperationFailed';
  }
}
