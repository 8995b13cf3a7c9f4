// Scenario files: parsing (YAML and JSON), the state applied at start, and the timeline applied
// at its offsets on the injected clock.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/simulator/scenario.js';
import { loadScenarioFile, startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { ManualClock } from '../support/manual-clock.js';
import { anthropicBody, anthropicHeaders, openaiBody, openaiHeaders, postJson } from './simulator-client.js';

const directory = mkdtempSync(join(tmpdir(), 'switchyard-scenario-'));
let simulator: RunningSimulator | undefined;

afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const outageYaml = `
name: claude-family-outage
upstreams:
  claude-a: { labels: [anthropic-model-layer] }
  claude-b: { labels: [anthropic-model-layer, aws-us-east-1] }
faults:
  - { target: gpt-b, kind: error, status: 500 }
timeline:
  - at: 40s
    clearFaults: true
  - at: 10s
    faults:
      - { id: claude-down, target: "label:anthropic-model-layer", kind: error, status: 529 }
  - at: 30000
    removeFaults: [claude-down]
`;

function write(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe('loadScenarioFile', () => {
  it('reads YAML, turning duration strings into milliseconds', () => {
    const scenario = loadScenarioFile(write('outage.yaml', outageYaml));
    expect(scenario.name).toBe('claude-family-outage');
    expect(scenario.timeline?.map((entry) => entry.at)).toEqual([40_000, 10_000, 30_000]);
    expect(scenario.upstreams?.['claude-b']?.labels).toEqual(['anthropic-model-layer', 'aws-us-east-1']);
  });

  it('reads JSON', () => {
    const path = write(
      'latency.json',
      JSON.stringify({
        faults: [{ target: '*', kind: 'latency', ms: 5 }],
        timeline: [{ at: '500ms', clearFaults: true }],
      }),
    );
    expect(loadScenarioFile(path)).toEqual({
      faults: [{ target: '*', kind: 'latency', ms: 5 }],
      timeline: [{ at: 500, clearFaults: true }],
    });
  });

  it('names every problem of an invalid scenario', () => {
    const path = write('bad.yaml', 'timeline:\n  - at: soon\n    faults: [{ target: x, kind: error }]\n');
    expect(() => loadScenarioFile(path)).toThrow(ScenarioError);
    try {
      loadScenarioFile(path);
    } catch (error) {
      const problems = (error as ScenarioError).problems.join('\n');
      expect(problems).toContain('timeline.0.at');
      expect(problems).toContain('timeline.0.faults.0.status');
    }
  });

  it('says which file it cannot read', () => {
    expect(() => loadScenarioFile(join(directory, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read/);
  });
});

describe('a running scenario', () => {
  it('applies start state at once and timeline entries at their offsets on the clock', async () => {
    const clock = new ManualClock();
    simulator = await startSimulator({ clock, scenario: loadScenarioFile(write('run.yaml', outageYaml)) });
    const claudeStatus = async (name: string) =>
      (await postJson(`${simulator!.url}/u/${name}/v1/messages`, anthropicBody(), anthropicHeaders)).status;
    const gptStatus = async () =>
      (await postJson(`${simulator!.url}/u/gpt-b/v1/chat/completions`, openaiBody(), openaiHeaders)).status;

    expect(await gptStatus()).toBe(500);
    expect(await claudeStatus('claude-a')).toBe(200);

    await clock.advance(9_999);
    expect(await claudeStatus('claude-a')).toBe(200);
    await clock.advance(1);
    expect(await claudeStatus('claude-a')).toBe(529);
    expect(await claudeStatus('claude-b')).toBe(529);
    expect(await claudeStatus('claude-c')).toBe(200);

    await clock.advance(20_000);
    expect(await claudeStatus('claude-b')).toBe(200);
    expect(await gptStatus()).toBe(500);

    await clock.advance(10_000);
    expect(await gptStatus()).toBe(200);
    await simulator.scenarioDone;
    expect(clock.pendingSleepers).toBe(0);
  });
});
