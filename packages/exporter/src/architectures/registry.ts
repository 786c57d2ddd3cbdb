/** subnet.json `architecture` -> Architecture. Add a family by adding it to ARCHITECTURES. */
import { GcError } from '@gc-edge/core';
import type { Architecture } from './architecture';
import { legacyMobileResnet } from './legacy-mobile-resnet';
import { mobileResnet } from './mobile-resnet';
import { mobileSpade } from './mobile-spade';
import { resnet } from './resnet';

export const ARCHITECTURES: readonly Architecture[] = [mobileResnet, legacyMobileResnet, resnet, mobileSpade];

export function architectureNames(): string[] {
  return ARCHITECTURES.map((a) => a.name);
}

/** The architecture called `name`; `where` (e.g. the subnet.json path) prefixes the error. */
export function getArchitecture(name: string, where = 'subnet.json'): Architecture {
  const found = ARCHITECTURES.find((a) => a.name === name);
  if (!found) {
    throw new GcError(
      'E_SUBNET_JSON',
      `${where}: unknown architecture ${JSON.stringify(name)}; should be one of: ${architectureNames().join(', ')}`,
      {
        hint: 'see README for what each architecture is',
      },
    );
  }
  return found;
}
