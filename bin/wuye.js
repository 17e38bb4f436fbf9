#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx's loader, so a clone needs no build step for the server.
import { register } from 'tsx/esm/api';

register();
await import('../server/main.ts');
