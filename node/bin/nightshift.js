#!/usr/bin/env node
// The `nightshift` command. The sources are TypeScript run through tsx, so a clone works
// with no build step; tsx is resolved from this file, so the command runs from any directory.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
