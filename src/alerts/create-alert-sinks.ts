// The configured `alerts:` list as sinks, each with its stable id.
import type { Dispatcher } from 'undici';
import { sinkIdOf, type AlertsConfig } from './alerts-config.js';
import type { AlertSink } from './alert-sink.js';
import { PagerDutySink } from './pagerduty-sink.js';
import { SlackSink } from './slack-sink.js';
import { WebhookSink } from './webhook-sink.js';

export function createAlertSinks(config: AlertsConfig, dispatcher?: Dispatcher): AlertSink[] {
  const ids = new Set<string>();
  return config.map((sink, index) => {
    const id = sinkIdOf(sink, index);
    if (ids.has(id)) throw new Error(`alerts[${index}]: the sink name ${id} is used twice`);
    ids.add(id);
    switch (sink.type) {
      case 'webhook':
        return new WebhookSink(id, sink, dispatcher);
      case 'slack':
        return new SlackSink(id, sink, dispatcher);
      case 'pagerduty':
        return new PagerDutySink(id, sink, dispatcher);
      default:
        throw new Error(`alerts[${index}]: unknown sink type`);
    }
  });
}
