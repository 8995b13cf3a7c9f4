// Logs the availability of shared health once per change: one warning when Redis becomes unreachable
// (however many connections fail and however many reconnection attempts follow), one line when
// sharing works again. Without this, an outage of Redis would write a line per retry per connection.

export interface ShareLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export class AvailabilityLog {
  private status: 'unknown' | 'up' | 'down' = 'unknown';

  /** `context` goes into every line (replica id, redacted Redis URL): never a credential. */
  constructor(
    private readonly logger: ShareLogger,
    private readonly context: object,
  ) {}

  get isDown(): boolean {
    return this.status === 'down';
  }

  down(error?: string): void {
    if (this.status === 'down') return;
    this.status = 'down';
    this.logger.warn(
      error === undefined ? { ...this.context } : { ...this.context, error },
      'shared health unavailable: this replica works on its own health state until Redis is back',
    );
  }

  up(): void {
    const previous = this.status;
    if (previous === 'up') return;
    this.status = 'up';
    if (previous === 'down') this.logger.info({ ...this.context }, 'shared health resumed');
    else this.logger.info({ ...this.context }, 'shared health connected');
  }
}
