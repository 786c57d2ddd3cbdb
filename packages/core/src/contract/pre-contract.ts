/**
 * FOR FILES EXPORTED BEFORE CONTRACT 1 ONLY. Those carry no `gc_edge.*` keys, just `architecture`
 * (+ `macs_input_shape`, and for GauGAN `semanticChannels` / `numUpsamplingLayers`); this table
 * says what each of those four architectures' contract was, so the files shipped and written before
 * keep serving and comparing as they did. It is the one place in gc-edge outside the exporter's
 * architectures that knows an architecture name, and it never grows: a new architecture declares
 * its contract in the exporter (docs/model-contract.md) and its files carry the keys.
 */
import type { InputKind, ModelContract, Role, Size, SizeRule } from './contract';
import { CONTRACT_VERSION, POSTPROCESSING_OF, PREPROCESSING_OF } from './contract';

interface PreContractArchitecture {
  readonly family: string;
  readonly role: Role;
  readonly kind: InputKind;
  readonly size: (metadata: Readonly<Record<string, string>>) => SizeRule;
}

/** Two stride-2 downsamplings, then a reflection pad at 1/4 scale. */
const RESNET_SIZE = (): SizeRule => ({ multiple: 4, min: 8 });
/** 2^5 ('normal') or 2^6 ('more', the default) upsamplings from the latent grid. */
const SPADE_SIZE = (md: Readonly<Record<string, string>>): SizeRule => {
  const cell = md['numUpsamplingLayers'] === 'normal' ? 32 : 64;
  return { multiple: cell, min: cell };
};

const PRE_CONTRACT: Readonly<Record<string, PreContractArchitecture>> = {
  resnet_9blocks: { family: 'cyclegan-resnet', role: 'teacher', kind: 'photo', size: RESNET_SIZE },
  mobile_resnet_9blocks: { family: 'cyclegan-resnet', role: 'student', kind: 'photo', size: RESNET_SIZE },
  legacy_mobile_resnet_9blocks: { family: 'cyclegan-resnet', role: 'student', kind: 'photo', size: RESNET_SIZE },
  mobile_spade: { family: 'gaugan-spade', role: 'student', kind: 'label_map', size: SPADE_SIZE },
};

/** `NxCxHxW` -> its numbers; undefined unless four positive integers. */
function exportShape(s: string | undefined): [number, number, number, number] | undefined {
  const m = /^([1-9]\d*)x([1-9]\d*)x([1-9]\d*)x([1-9]\d*)$/.exec((s ?? '').trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] : undefined;
}

function positiveInt(s: string | undefined): number | undefined {
  return s !== undefined && /^[1-9]\d{0,8}$/.test(s.trim()) ? Number(s) : undefined;
}

/**
 * The contract of a pre-contract gc-export file, from its old keys; undefined when `architecture`
 * is absent or not one gc-export wrote before contract 1. The old exporter named its graph I/O
 * `input` and `output`, and recorded the export size as `macs_input_shape`.
 */
export function preContract(metadata: Readonly<Record<string, string>>): ModelContract | undefined {
  const name = metadata['architecture'] ?? '';
  if (!Object.hasOwn(PRE_CONTRACT, name)) return undefined;
  const arch = PRE_CONTRACT[name]!;
  const shape = exportShape(metadata['macs_input_shape']);
  const defaultSize: Size | undefined = shape && { height: shape[2], width: shape[3] };
  const labelMap = arch.kind === 'label_map';
  // A ResNet exported with other than 3 input channels never took photos: a tensor, then.
  const channels = (labelMap ? positiveInt(metadata['semanticChannels']) : undefined) ?? shape?.[1] ?? 3;
  const kind: InputKind = arch.kind === 'photo' && channels !== 3 ? 'tensor' : arch.kind;
  return {
    version: CONTRACT_VERSION,
    family: arch.family,
    role: arch.role,
    inputs: [
      {
        name: 'input',
        kind,
        channels,
        preprocess: PREPROCESSING_OF[kind],
        size: arch.size(metadata),
        ...(defaultSize ? { defaultSize } : {}),
        ...(labelMap ? { instanceEdge: true } : {}),
      },
    ],
    outputs: [{ name: 'output', kind: 'photo', postprocess: POSTPROCESSING_OF.photo }],
  };
}
