import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A certificate authority of our own and a server certificate it signed for 127.0.0.1 and
 * localhost, made with openssl as docs/DEPLOY.md tells a centre to: what the HTTP/2 tests serve
 * with, the CA being what a client trusts.
 */
export function makeCertificates(): { certFile: string; keyFile: string; ca: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'citybrain-tls-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
    ...['-subj', '/CN=Test Centre CA', '-keyout', at('ca.key'), '-out', at('ca.crt')],
  );
  openssl(
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1'],
    ...['-keyout', at('server.key'), '-out', at('server.csr')],
  );
  openssl(
    ...['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.crt'), '-CAkey', at('ca.key')],
    ...['-CAcreateserial', '-days', '2', '-out', at('server.crt')],
    ...['-extfile', writeExt(at('server.ext'))],
  );
  return { certFile: at('server.crt'), keyFile: at('server.key'), ca: readFileSync(at('ca.crt')) };
}

function writeExt(path: string): string {
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > '${path}'`]);
  return path;
}
