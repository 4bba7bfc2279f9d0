/** Benchmark helper: a herd of curl clients started at the same moment. */
import { spawn } from 'node:child_process';

export interface CurlResult {
  status: number;
  bytes: number;
}

/**
 * Benchmark helper: concurrent GETs by one `curl` process each (status and
 * body size from curl's -w). All processes are started first and wait for
 * their URL on stdin (`--config -`), then all get it at once and the clock
 * starts: spawning 50 processes one after another takes long enough for
 * late clients to find a finished fill (distribution then serves them from
 * disk, which is no herd). Bodies go to /dev/null: curl costs ~0.2 s of CPU
 * per GiB here, a Node client about five times that.
 */
export async function curlHerd(urls: string[]): Promise<{ seconds: number; results: CurlResult[] }> {
  const children = urls.map(() => spawn('curl', ['--silent', '--show-error', '--output', '/dev/null', '--write-out', '%{http_code} %{size_download}', '--config', '-'], { stdio: ['pipe', 'pipe', 'pipe'] }));
  await Promise.all(children.map((child) => new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject))));
  const done = children.map(
    (child, i) =>
      new Promise<CurlResult>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c));
        child.stderr.on('data', (c: Buffer) => (err += c));
        child.on('close', (code) => {
          const [status, bytes] = out.trim().split(' ').map(Number);
          if (code !== 0) reject(new Error(`curl ${urls[i]} exited ${code}: ${err.trim()}`));
          else resolve({ status: status!, bytes: bytes! });
        });
      }),
  );
  const started = performance.now();
  children.forEach((child, i) => child.stdin.end(`url = "${urls[i]}"\n`));
  const results = await Promise.all(done);
  return { seconds: (performance.now() - started) / 1000, results };
}
