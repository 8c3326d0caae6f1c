/**
 * The static server behind `npm start` and the e2e suite: files are streamed (many concurrent
 * downloads of a large wasm cost the server little memory), every answer carries the isolation headers
 * and a correct length and type, and no request path reaches outside the served folder. Everything
 * runs on 127.0.0.1 with a bounded number of requests.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolationHeaders, startStaticServer, type StaticServer } from '../../scripts/static-server';

const tmp = mkdtempSync(join(tmpdir(), 'whittle-server-'));
const root = join(tmp, 'dist');
const WASM_BYTES = 24 * 2 ** 20;
let server: StaticServer;

beforeAll(async () => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1);');
  const wasm = Buffer.alloc(WASM_BYTES);
  for (let i = 0; i < wasm.length; i += 4096) wasm[i] = i % 251;
  writeFileSync(join(root, 'assets', 'ort.wasm'), wasm);
  writeFileSync(join(tmp, 'secret.txt'), 'do not serve');
  symlinkSync(join(tmp, 'secret.txt'), join(root, 'assets', 'link.txt'));
  server = await startStaticServer({ root });
});

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request with the path sent exactly as given (no URL normalisation, unlike fetch). */
function get(base: string, path: string, method = 'GET'): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const req = request({ host: hostname, port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

/** Downloads `path` and counts its bytes without keeping them. */
function download(base: string, path: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const req = request({ host: hostname, port, path, agent: false }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => done(n));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('static server', () => {
  it('serves files whole, with their type, length and the isolation headers', async () => {
    const wasm = await get(server.url, '/assets/ort.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['content-length']).toBe(String(WASM_BYTES));
    expect(wasm.body.equals(readFileSync(join(root, 'assets', 'ort.wasm')))).toBe(true);
    for (const [name, value] of Object.entries(isolationHeaders))
      expect(wasm.headers[name.toLowerCase()]).toBe(value);
    const js = await get(server.url, '/assets/app.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body.toString()).toBe('console.log(1);');
  });

  it('HEAD gives the length and no body; client routes get index.html; unknown files 404', async () => {
    const head = await get(server.url, '/assets/ort.wasm', 'HEAD');
    expect(head.headers['content-length']).toBe(String(WASM_BYTES));
    expect(head.body.length).toBe(0);
    const route = await get(server.url, '/studio/run');
    expect(route.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(route.body.toString()).toContain('<title>studio</title>');
    const missing = await get(server.url, '/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect((await get(server.url, '/assets/ort.wasm', 'POST')).status).toBe(405);
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/%2e%2e%5csecret.txt',
    '/%00',
    '/assets/link.txt',
  ])('never serves outside its folder: %s', async (path) => {
    const reply = await get(server.url, path);
    expect(reply.body.toString()).not.toContain('do not serve');
    expect([400, 403, 404, 200]).toContain(reply.status);
    if (reply.status === 200) expect(reply.body.toString()).toContain('<title>studio</title>');
  });

  it('streams: 64 concurrent downloads of a 24 MB wasm keep the server under 300 MB', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        './tests/cli/report-peak-rss.mjs',
        '--import',
        'tsx',
        'tests/server/serve-folder.ts',
        root,
      ],
      {
        env: { ...process.env, WHITTLE_TEST_RSS_FILE: join(tmp, 'rss') },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const url = await new Promise<string>((done) =>
      child.stdout.once('data', (d: Buffer) => done(d.toString().trim())),
    );
    const sizes = await Promise.all(Array.from({ length: 64 }, () => download(url, '/assets/ort.wasm')));
    expect(sizes.every((n) => n === WASM_BYTES)).toBe(true);
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    const peak = Number(readFileSync(join(tmp, 'rss'), 'utf8'));
    console.log(`static server: 64 × 24 MB downloads, peak RSS ${(peak / 1e6).toFixed(0)} MB`);
    expect(peak).toBeLessThan(300e6);
  });
});
