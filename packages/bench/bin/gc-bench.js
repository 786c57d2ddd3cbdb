#!/usr/bin/env node
'use strict';
require('@gc-edge/core/bin/launch.js')('gc-bench', require('node:path').join(__dirname, '..'));
