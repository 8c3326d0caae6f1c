/**
 * Serves the built app (dist/) on a free 127.0.0.1 port with the same headers as `npm start`, and
 * hands its URL to the specs (`inject('baseUrl')`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startStaticServer } from '../scripts/static-server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  if (!existsSync(`${dist}index.html`)) throw new Error('dist/ is missing: run `npm run build` first.');
  const server = await startStaticServer({ root: dist, port: 0 });
  project.provide('baseUrl', server.url);
  return () => server.close();
}
