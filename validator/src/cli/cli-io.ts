/** What the commands write to, and how a test stops `run` (instead of SIGINT/SIGTERM). */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** When set, `validator run` stops when it aborts and does not listen to process signals. */
  readonly stopSignal?: AbortSignal;
}
