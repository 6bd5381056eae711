// Entry of a generation worker thread. Worker threads do not inherit the TypeScript loader the main
// thread registered (Node 20), so register it here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./generate-worker.ts');
