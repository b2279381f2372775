// A small static server for the built site, on loopback, as a real host
// would serve it: gzip for text, the right content types, long cache for the
// fingerprinted assets (their name changes with their content) and
// revalidation for pages, the 404 page for a missing file. klar serve is not
// used because it adds its live-reload script to every page, which is not
// what parents get. Used by the Lighthouse suite and the Playwright walk.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.gif': 'image/gif',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff',
  '.xml': 'application/xml; charset=utf-8', '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8', '.webmanifest': 'application/manifest+json',
};
const compressible = /^(text\/|application\/(json|xml|manifest\+json)|image\/svg\+xml)/;
// klar fingerprints assets as name.0123456789.ext (ten hex digits).
const fingerprinted = /\.[0-9a-f]{10}\.[a-z0-9]+$/;

export function contentType(file) {
  return types[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

// Starts the server on a free port of 127.0.0.1; resolves to
// { base, close, requests } where requests counts what was asked for.
export async function serveSite(rootArg) {
  const root = path.resolve(rootArg);
  const requests = [];
  const server = http.createServer((req, res) => {
    let p;
    try {
      p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    requests.push(p);
    let file = path.join(root, path.normalize(p));
    if (file.startsWith(root) && fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      if (!p.endsWith('/')) {
        res.writeHead(301, { location: p + '/' }).end();
        return;
      }
      file = path.join(file, 'index.html');
    }
    let status = 200;
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      status = 404;
      file = path.join(root, '404.html');
      if (!fs.existsSync(file)) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
        return;
      }
    }
    const type = contentType(file);
    const headers = {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      'cache-control': status === 200 && fingerprinted.test(file)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
      vary: 'Accept-Encoding',
    };
    let body = fs.readFileSync(file);
    if (compressible.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      body = zlib.gzipSync(body, { level: 9 });
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, requests, close: () => new Promise((r) => server.close(r)) };
}
