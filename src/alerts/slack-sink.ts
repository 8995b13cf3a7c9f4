import type { SlackSinkConfig } from './alerts-config.js';
import type { Alert } from './alert.js';
import { JsonPostSink } from './alert-sink.js';
import { evidenceText, failoverText, headlineOf, isoTime, leadTimeText } from './alert-text.js';

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

export class SlackSink extends JsonPostSink<SlackSinkConfig> {
  readonly type = 'slack';

  protected render(alert: Alert) {
    return { body: JSON.stringify(slackMessageOf(alert)) };
  }
}
