/** Name and version the daemon reports (GET /v2, startup line). */
import { gcEdgeVersion } from '@gc-edge/core';

export const SERVER_NAME = 'gc-serve';
export const SERVER_VERSION: string = gcEdgeVersion();
