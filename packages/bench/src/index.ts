/** @gc-edge/bench — public surface. */
export {};
