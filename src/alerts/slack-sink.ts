// Slack incoming webhook: a message people can read at a glance. Header: what happened; fields: since
// when, severity, the evidence, where traffic went; context: our detection against the provider's
// status page. `text` is the fallback for notifications and clients without blocks.
// https://api.slack.com/messaging/webhooks · https://api.slack.com/reference/block-kit/blocks
import type { Dispatcher } from 'undici';
import { defaultAlertTimeoutMs, type SlackSinkConfig } from './alerts-config.js';
import { redactUrl } from '../util/scrub-secrets.js';
import type { Alert } from './alert.js';
import type { AlertDelivery, AlertSink } from './alert-sink.js';
import { evidenceText, failoverText, headlineOf, isoTime, leadTimeText } from './alert-text.js';
import { postJson, type DeliveryResult } from './post-json.js';

// Block Kit limits: header text 150 characters, a section field 2000.
const headerLimit = 150;
const fieldLimit = 2000;

const severityMarks: Record<string, string> = {
  minor: ':large_yellow_circle:',
  major: ':large_orange_circle:',
  critical: ':red_circle:',
};

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

/** Slack's date formatting shows the reader's local time; the fallback is UTC. */
function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${isoTime(ms)}>`;
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function field(title: string, body: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: truncate(`*${title}*\n${body}`, fieldLimit) };
}

export function slackMessageOf(alert: Alert): SlackMessage {
  const { incident } = alert;
  const mark = alert.transition === 'resolved' ? ':white_check_mark:' : (severityMarks[incident.severity] ?? '');
  const headline = headlineOf(alert);
  const since =
    incident.firstFailedAt !== null
      ? `first failed request ${slackDate(incident.firstFailedAt)}\ndetected ${slackDate(incident.detectedAt)}`
      : `detected ${slackDate(incident.detectedAt)}`;
  const sinceAndEnd = incident.resolvedAt !== null ? `${since}\nrecovered ${slackDate(incident.resolvedAt)}` : since;
  const samples = incident.evidence.sampleErrors
    .slice(0, 2)
    .map((sample) => `\n\`${sample.replaceAll('`', "'")}\``)
    .join('');
  const fields = [
    field('Since', sinceAndEnd),
    field('Severity', `${incident.severity} · ${incident.scope} \`${incident.key}\``),
    field('Evidence', `${evidenceText(incident.evidence)}${samples}`),
    field('Where traffic went', failoverText(incident.evidence)),
  ];
  return {
    text: `${headline} (${incident.severity}). ${evidenceText(incident.evidence)}. ${failoverText(incident.evidence)}.`,
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: truncate(`${alert.transition === 'resolved' ? '✅' : '🚨'} ${headline}`, headerLimit),
          emoji: true,
        },
      },
      { type: 'section', fields },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: truncate(`${mark} ${leadTimeText(incident)} Incident \`${incident.id}\`.`, fieldLimit),
          },
        ],
      },
    ],
  };
}

export class SlackSink implements AlertSink {
  readonly type = 'slack';
  readonly target: string;
  readonly retryWindowMs?: number;

  constructor(
    readonly id: string,
    private readonly config: SlackSinkConfig,
    private readonly dispatcher?: Dispatcher,
  ) {
    this.target = redactUrl(config.url);
    this.retryWindowMs = config.retryWindowMs;
  }

  send(alert: Alert, delivery: AlertDelivery): Promise<DeliveryResult> {
    return postJson(
      this.config.url,
      JSON.stringify(slackMessageOf(alert)),
      {},
      {
        timeoutMs: this.config.timeoutMs ?? defaultAlertTimeoutMs,
        now: delivery.now,
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      },
    );
  }
}
