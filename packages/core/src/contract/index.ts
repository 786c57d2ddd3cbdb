export {
  CONTRACT_VERSION,
  INPUT_KINDS,
  OUTPUT_KINDS,
  PREPROCESSING,
  POSTPROCESSING,
  PREPROCESSING_OF,
  POSTPROCESSING_OF,
  ROLES,
  describeSizeRule,
  fitUp,
  fitsSizeRule,
} from './contract';
export type {
  ContractInput,
  ContractOutput,
  InputKind,
  ModelContract,
  OutputKind,
  Postprocessing,
  Preprocessing,
  ReadContract,
  Role,
  Size,
  SizeRule,
} from './contract';
export { CONTRACT_KEY, decodeContract, encodeContract } from './metadata';
export { checkContractIo, readContract } from './graph-io';
export type { GraphIo } from './graph-io';
export { PRECISIONS, PRECISION_IO_KEY, PRECISION_KEPT_KEY, PRECISION_KEY, decodePrecision, encodePrecision } from './precision';
export type { ModelPrecision, Precision } from './precision';
