// The relay lane forwards what one network chunk brought as one write: the events a chunk carries
// (a burst from a fast upstream can be dozens) are read one by one beside the relay, but their bytes
// leave together, as one `relay` event. Per-event awaits and per-event socket writes were most of
// what relaying cost; the bytes and their order are unchanged.
import type { CanonicalStreamEvent } from '../../canonical/stream-event.js';

export class RelayBatch {
  private text = '';
  private content = false;

  /** Adds one upstream event's bytes (`content`: it puts content in front of the client). */
  add(data: string, content: boolean): void {
    this.text += data;
    if (content) this.content = true;
  }

  /** The bytes collected so far as one relay event (undefined when there are none), and starts afresh. */
  take(): CanonicalStreamEvent | undefined {
    if (this.text.length === 0) return undefined;
    const event: CanonicalStreamEvent = { type: 'relay', data: this.text, content: this.content };
    this.text = '';
    this.content = false;
    return event;
  }
}
