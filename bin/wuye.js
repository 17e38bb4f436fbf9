#!/usr/bin/env -S node --max-semi-space-size=32
// (A larger young generation: see docs/performance.md. `npm start` passes the same flag.)
// The CLI runs the TypeScript sources directly through tsx's loader, so a clone needs no build step for the server.
import { register } from 'tsx/esm/api';

register();
await import('../server/main.ts');
