/**
 * `legacy_mobile_resnet_9blocks`: upstream LegacySubMobileResnetGenerator (the paper's released
 * models). Only the first block of each group of three is pruned by its own entry (3, 4, 5; or 3 for
 * all groups with a 6-entry config); the other blocks keep inner width 4 * config[2].
 */
import { mobileResnetArchitecture } from './mobile-resnet-family';

export const legacyMobileResnet = mobileResnetArchitecture({
  name: 'legacy_mobile_resnet_9blocks',
  description: 'GAN Compression LegacySubMobileResnetGenerator (the released compressed models), 9 separable blocks',
  blockEntry: (block, length) => (block % 3 !== 0 ? 2 : length === 6 ? 3 : 3 + Math.floor(block / 3)),
});
