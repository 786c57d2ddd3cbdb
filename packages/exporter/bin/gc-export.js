#!/usr/bin/env node
'use strict';
require('@gc-edge/core/bin/launch.js')('gc-export', require('node:path').join(__dirname, '..'));
