/** Weights readers: PyTorch .pth (zip and legacy formats, restricted unpickler) and safetensors. */
export { readStateDict, loadStateDict } from './read';
