/** gc-serve entry point (bin/gc-serve.js runs `main`). */
import { runCli } from '@gc-edge/core';
import { SERVER_VERSION } from '../serve/version';
import { serveCommand } from './serve-command';

export function main(argv: string[]): Promise<number> {
  return runCli(argv, { name: 'gc-serve', version: SERVER_VERSION, commands: [serveCommand] });
}
