import { silentLogger, type Logger } from '../core/logger.js';
import { loadProtoFiles, RootRegistry, type DescriptorRegistry, type DescriptorSource } from './descriptor-registry.js';

/**
 * Opens the registry a job's config names. Kept apart from descriptor-registry.ts so that the Stencil
 * client (which builds on the registry types there) is loaded only for Stencil sources, without the two
 * modules importing each other.
 */
export interface OpenRegistryOptions {
  logger?: Logger;
  /** Called after the descriptors changed (auto refresh). */
  onChange?: () => void;
}

export async function openDescriptorRegistry(
  source: DescriptorSource,
  opts: OpenRegistryOptions = {},
): Promise<DescriptorRegistry> {
  if (source.kind === 'files') return new RootRegistry(loadProtoFiles(source.dirs.length ? source.dirs : ['protos']));
  const { openStencilRegistry } = await import('./stencil-client.js');
  return openStencilRegistry(source, { logger: opts.logger ?? silentLogger, ...(opts.onChange ? { onChange: opts.onChange } : {}) });
}
