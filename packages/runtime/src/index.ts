/** @gc-edge/runtime — public surface. */
export type * from './devices/profile';

// Sessions: execution providers from the device profile, fallback, placement, model info.
export type * from './session/types';

// Off-thread inference: one worker per session, pools with crash replacement and reload.
export type * from './worker/types';

// Image pipeline (sharp): encoded image <-> NCHW float32 in [-1, 1].
export type * from './image/types';
export { IMAGE_MIME } from './image/types';
