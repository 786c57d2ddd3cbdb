/**
 * `mobile_resnet_9blocks`: upstream SubMobileResnetGenerator. Blocks 0-2, 3-5, 6-8 take their inner
 * width from config entries 3, 4, 5 (8-entry config); a 6-entry config gives all nine entry 3.
 */
import { mobileResnetArchitecture } from './mobile-resnet-family';

export const mobileResnet = mobileResnetArchitecture({
  name: 'mobile_resnet_9blocks',
  description: 'GAN Compression MobileResnetGenerator sub-network (SubMobileResnetGenerator), 9 separable blocks',
  blockEntry: (block, length) => (length === 6 ? 3 : 3 + Math.floor(block / 3)),
});
