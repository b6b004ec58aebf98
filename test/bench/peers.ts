/**
 * Installs the peer gateways into test/bench/peers on first use (`npm ci` from the committed lock
 * file), and again only when the lock file changes. They are never dependencies of the gateway.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR } from './targets.ts';

const STAMP = join(PEERS_DIR, 'node_modules', '.gatehouse-bench-lock-hash');
/** npm ci of about a thousand packages takes minutes on a cold cache; this bounds a hung install. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

const lockHash = () =>
  createHash('sha256')
    .update(readFileSync(join(PEERS_DIR, 'package-lock.json')))
    .digest('hex');

export function peersInstalled(): boolean {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8') === lockHash();
}

/** Runs `npm ci` in the peers folder unless the installed tree matches the lock file. */
export async function ensurePeers(log: (line: string) => void): Promise<void> {
  if (peersInstalled()) return;
  log('installing the peer gateways into test/bench/peers (npm ci, first use only: a few minutes)');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: PEERS_DIR,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`npm ci in ${PEERS_DIR} failed with exit code ${code}`));
    });
  });
  writeFileSync(STAMP, lockHash());
}
