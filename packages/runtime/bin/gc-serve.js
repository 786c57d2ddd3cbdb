#!/usr/bin/env node
'use strict';
require('@gc-edge/exporter/bin/launch.js')('gc-serve', require('node:path').join(__dirname, '..'));
