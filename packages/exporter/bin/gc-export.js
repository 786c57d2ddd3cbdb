#!/usr/bin/env node
'use strict';
require('./launch.js')('gc-export', require('node:path').join(__dirname, '..'));
