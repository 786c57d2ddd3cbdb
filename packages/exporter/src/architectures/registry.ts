/**
 * subnet.json `architecture` -> Architecture. Add a family by adding it to ARCHITECTURES; upstream's
 * `--netG` names that are not ours are ALIASES, resolved here and nowhere else.
 */
import { GcError } from '@gc-edge/core';
import type { Architecture, WeightsKind } from './architecture';
import { legacyMobileResnet } from './legacy-mobile-resnet';
import { mobileResnet } from './mobile-resnet';
import { mobileSpade } from './mobile-spade';
import { resnet } from './resnet';
import { spadeTeacher } from './spade-teacher';

export const ARCHITECTURES: readonly Architecture[] = [mobileResnet, legacyMobileResnet, resnet, mobileSpade, spadeTeacher];

/** What an upstream name resolves to: one of ours, and which checkpoint form the name announces. */
interface Alias {
  readonly name: string;
  /** `sub_*`: the released sub-network checkpoint; `super_*`: the supernet. */
  readonly form: Exclude<WeightsKind, 'full'>;
}

/**
 * Upstream's `--netG` names (mit-han-lab/gan-compression `models/modules/*_architecture`) that differ
 * from ours. Upstream's `mobile_resnet_9blocks`, `resnet_9blocks`, `mobile_spade` and `spade` are ours too.
 */
const ALIASES: Readonly<Record<string, Alias>> = {
  sub_mobile_resnet_9blocks: { name: 'mobile_resnet_9blocks', form: 'subnet' },
  super_mobile_resnet_9blocks: { name: 'mobile_resnet_9blocks', form: 'supernet' },
  legacy_sub_mobile_resnet_9blocks: { name: 'legacy_mobile_resnet_9blocks', form: 'subnet' },
  sub_mobile_spade: { name: 'mobile_spade', form: 'subnet' },
  super_mobile_spade: { name: 'mobile_spade', form: 'supernet' },
};

export interface ResolvedArchitecture {
  readonly architecture: Architecture;
  /** The checkpoint form the name announces (upstream's sub_/super_ names); undefined for the others. */
  readonly namedForm: Exclude<WeightsKind, 'full'> | undefined;
}

/** Our architecture names (what the ONNX metadata says). */
export function architectureNames(): string[] {
  return ARCHITECTURES.map((a) => a.name);
}

/** Upstream's --netG names subnet.json accepts besides ours, with the name each stands for. */
export function architectureAliases(): { alias: string; architecture: string }[] {
  return Object.entries(ALIASES).map(([alias, a]) => ({ alias, architecture: a.name }));
}

/** The architecture `name` stands for (ours or an upstream alias); `where` (e.g. the subnet.json path) prefixes the error. */
export function resolveArchitecture(name: string, where = 'subnet.json'): ResolvedArchitecture {
  const alias = Object.prototype.hasOwnProperty.call(ALIASES, name) ? ALIASES[name] : undefined;
  const ours = alias?.name ?? name;
  const found = ARCHITECTURES.find((a) => a.name === ours);
  if (!found) {
    const known = [...architectureNames(), ...Object.keys(ALIASES)].join(', ');
    throw new GcError('E_SUBNET_JSON', `${where}: unknown architecture ${JSON.stringify(name)}; should be one of: ${known}`, {
      hint: 'see docs/exporter.md for what each architecture is',
    });
  }
  return { architecture: found, namedForm: alias?.form };
}

/** The architecture called `name` (ours or an upstream alias). */
export function getArchitecture(name: string, where = 'subnet.json'): Architecture {
  return resolveArchitecture(name, where).architecture;
}
