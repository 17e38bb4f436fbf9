// A worker thread of `wuye seed --scale` on SQLite. Workers do not inherit the TypeScript loader
// the CLI registered on the main thread, so each registers it before loading the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./generate-worker.ts');
