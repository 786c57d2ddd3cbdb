/** @gc-edge/runtime — public surface. */
export {};
