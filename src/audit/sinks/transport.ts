/**
 * @module audit/sinks/transport
 * What every sink variant does: take a batch of records (events, then the checkpoints the batch
 * completes) and resolve only once the receiver has it, as far as its protocol can tell; reject
 * otherwise, so the batch is sent again (at least once).
 */

export interface SinkBatch {
  chain: string;
  sink: string;
  first_seq: number;
  last_seq: number;
  /** Events and checkpoints, in chain order, as JSON-ready records. */
  records: Record<string, unknown>[];
}

export interface SinkTransport {
  deliver(batch: SinkBatch): Promise<void>;
  close(): Promise<void>;
}
