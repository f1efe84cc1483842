// Serves the repository root (www/ and the built pkg/) on 127.0.0.1 for `npm run demo`.
import path from 'node:path';
import { serve } from '../tests/js/static-server.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const port = Number(process.env.PORT ?? 8787);
const server = await serve(root, port);
console.log(`contextwise demo: ${server.url}/www/  (Ctrl+C to stop)`);
