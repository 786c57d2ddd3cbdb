/** Name and version the daemon reports (GET /v2, startup line). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../package.json') as { version: string };

export const SERVER_NAME = 'gc-serve';
export const SERVER_VERSION: string = pkg.version;
