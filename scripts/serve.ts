/**
 * `npm start`: serves the built app (dist/) on 127.0.0.1, port 4173 or the next free one, cross-origin
 * isolated, and prints the URL. Ctrl-C stops it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
if (!existsSync(dist)) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

const server = await startStaticServer({ root: dist, port: Number(process.env.PORT ?? 4173) });
console.log(`Whittle studio: ${server.url}`);
console.log('Everything runs in your browser; nothing is uploaded. Press Ctrl-C to stop.');

const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
