// Config deployment → what an adapter needs, with the provider's default base URL filled in.
import { defaultBaseUrls, type DeploymentConfig } from '../config/schema.js';
import type { DeploymentTarget } from './adapter.js';

const cache = new WeakMap<DeploymentConfig, DeploymentTarget>();

export function toDeploymentTarget(deployment: DeploymentConfig): DeploymentTarget {
  let target = cache.get(deployment);
  if (!target) {
    const baseUrl = (deployment.baseUrl ?? defaultBaseUrls[deployment.provider] ?? '').replace(/\/+$/, '');
    target = {
      id: deployment.id,
      provider: deployment.provider,
      model: deployment.model,
      baseUrl,
      headers: deployment.headers,
      ...(deployment.apiKey ? { apiKey: deployment.apiKey } : {}),
      ...(deployment.apiVersion ? { apiVersion: deployment.apiVersion } : {}),
      ...(deployment.region ? { region: deployment.region } : {}),
      ...(deployment.project ? { project: deployment.project } : {}),
      ...(deployment.api ? { api: deployment.api } : {}),
      ...(deployment.credentialsFile ? { credentialsFile: deployment.credentialsFile } : {}),
      ...(deployment.awsProfile ? { awsProfile: deployment.awsProfile } : {}),
      ...(deployment.maxOutputTokens ? { maxOutputTokens: deployment.maxOutputTokens } : {}),
      ...(deployment.capabilities?.reasoning !== undefined ? { reasoning: deployment.capabilities.reasoning } : {}),
    };
    cache.set(deployment, target);
  }
  return target;
}
