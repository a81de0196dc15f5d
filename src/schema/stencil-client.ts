import { DirkError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { DescriptorRegistry, DescriptorSource } from './descriptor-registry.js';

export async function openStencilRegistry(
  _source: Extract<DescriptorSource, { kind: 'stencil' }>,
  _opts: { logger: Logger; onChange?: () => void },
): Promise<DescriptorRegistry> {
  throw new DirkError('Stencil registry client: not implemented yet', { domain: 'internal' });
}
