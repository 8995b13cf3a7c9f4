// The opening most end-to-end files share: a simulator on a free port, and a gateway on another whose
// deployments point at it (AWS credentials the simulator accepts in the environment, no history
// store, a silent log). The file gives the deployments, routes and anything else of its config.
import { parseConfig } from '../../src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { createLogger } from '../../src/server/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator.js';
import { useSimulatorAwsCredentials } from './simulator-setup.js';

export interface SimulatedGateway {
  simulator: RunningSimulator;
  gateway: RunningGateway;
  close(): Promise<void>;
}

export async function startSimulatedGateway(
  seed: number,
  config: (simulatorUrl: string) => Record<string, unknown>,
): Promise<SimulatedGateway> {
  useSimulatorAwsCredentials();
  const simulator = await startSimulator({ port: 0, seed });
  const parsed = parseConfig({ store: false, server: { host: '127.0.0.1', port: 0 }, ...config(simulator.url) });
  const gateway = await startGateway({ config: parsed, port: 0, logger: createLogger('silent') });
  return {
    simulator,
    gateway,
    async close() {
      await gateway.close();
      await simulator.close();
    },
  };
}
