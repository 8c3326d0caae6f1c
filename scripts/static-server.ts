/**
 * A small static file server for the built app (`dist/`), shared by `npm start` and the e2e setup.
 *
 * Every response carries COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer, threaded
 * onnxruntime wasm), and a Content-Security-Policy that only allows the page's own origin: the
 * privacy promise ("nothing leaves the machine") is enforced by the browser, not just by our code.
 */
import { createReadStream } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { realpath, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.gz': 'application/gzip',
};

/** Headers sent with every response. */
export const isolationHeaders: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self' blob: data:",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
};

export interface StaticServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  /** Folder to serve. */
  root: string;
  host?: string;
  /** Port to try first; 0 picks a free one. */
  port?: number;
  /** When `port` is taken, try the next `fallbackTries` ports, then a free one. */
  fallbackTries?: number;
}

/** Serves `root` on `host:port` (127.0.0.1 by default); unknown paths without an extension get `index.html`. */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = resolve(options.root);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const answer = respond(root, req.url ?? '/', req.method ?? 'GET').catch(() => text(400, 'Bad request'));
    void answer.then((a) => send(a, res, req.method === 'HEAD'));
  });
  const first = options.port ?? 0;
  const tries = first === 0 ? [0] : [...range(first, (options.fallbackTries ?? 10) + 1), 0];
  for (const port of tries) {
    if (await listen(server, host, port)) {
      const actual = (server.address() as AddressInfo).port;
      return {
        url: `http://${host}:${actual}/`,
        port: actual,
        close: () => closeServer(server),
      };
    }
  }
  throw new Error(`Could not listen on ${host}.`);
}

/** What to answer: a status and either a small text body or a file streamed from disk. */
type Answer =
  | { status: number; type: string; body: Buffer }
  | { status: number; type: string; file: string; size: number };

/**
 * Files are streamed, never read whole, so many concurrent requests for the 28 MB wasm cost a few
 * 64 KB buffers each rather than a copy of the file each.
 */
async function send(answer: Answer, res: ServerResponse, head: boolean): Promise<void> {
  const length = 'body' in answer ? answer.body.length : answer.size;
  res.writeHead(answer.status, {
    ...isolationHeaders,
    'Content-Type': answer.type,
    'Content-Length': length,
    'Cache-Control': 'no-cache',
  });
  if (head) return void res.end();
  if ('body' in answer) return void res.end(answer.body);
  // A client that goes away mid-file ends the pipeline with an error; the response is simply dropped.
  await pipeline(createReadStream(answer.file), res).catch(() => res.destroy());
}

async function respond(root: string, url: string, method: string): Promise<Answer> {
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'Method not allowed');
  const pathname = decodeURIComponent(new URL(url, 'http://x').pathname);
  const file = normalize(join(root, pathname));
  if (file !== root && !file.startsWith(root + sep)) return text(403, 'Forbidden');
  const target =
    (await fileSize(file)) !== undefined
      ? file
      : extname(pathname) === ''
        ? join(root, 'index.html') // client-side routes
        : null;
  const size = target === null ? undefined : await fileSize(target);
  if (target === null || size === undefined) return text(404, 'Not found');
  // A link inside the folder must not lead out of it either.
  const real = await realpath(target);
  if (!real.startsWith((await realpath(root)) + sep)) return text(403, 'Forbidden');
  const type = mimeTypes[extname(target).toLowerCase()] ?? 'application/octet-stream';
  return { status: 200, type, file: target, size };
}

function text(status: number, body: string): Answer {
  return { status, body: Buffer.from(body), type: 'text/plain; charset=utf-8' };
}

/** The size of a regular file, or undefined for anything else (missing, a folder, a device). */
async function fileSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

function listen(server: Server, host: string, port: number): Promise<boolean> {
  return new Promise((done, fail) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') done(false);
      else fail(err);
    };
    const onListening = () => {
      server.off('error', onError);
      done(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}
