#!/usr/bin/env node
import { runTs } from './run-ts.js';

await runTs('hosts/local.ts');
