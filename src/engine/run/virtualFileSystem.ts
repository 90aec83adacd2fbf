/**
 * Whether a folder lies on a kernel's virtual file system (/proc, /sys, /dev, cgroup...):
 * run directories there cannot be written, and creating one under /proc hung the engine.
 * Linux reports mounts in /proc/self/mounts; elsewhere nothing is refused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const VIRTUAL = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'debugfs', 'tracefs', 'securityfs',
  'pstore', 'bpf', 'configfs', 'fusectl', 'mqueue', 'binfmt_misc', 'efivarfs', 'autofs', 'rpc_pipefs', 'nsfs',
]);

/** `{ mount, type }` of the virtual file system holding `dir` (which need not exist yet), or null. */
export function virtualFileSystemOf(dir: string): { mount: string; type: string } | null {
  let mounts: string;
  try {
    mounts = fs.readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return null;
  }
  // The nearest existing ancestor, with links resolved: that is where mkdir would land.
  let existing = path.resolve(dir);
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    existing = fs.realpathSync(existing);
  } catch {
    return null;
  }
  let best: { mount: string; type: string } | null = null;
  for (const line of mounts.split('\n')) {
    const [, rawMount, type] = line.split(' ');
    if (!rawMount || !type) continue;
    // Mount points escape spaces and the like as octal (\040).
    const mount = rawMount.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    const inside = existing === mount || existing.startsWith(mount.endsWith('/') ? mount : `${mount}/`);
    if (inside && (best === null || mount.length >= best.mount.length)) best = { mount, type };
  }
  return best !== null && VIRTUAL.has(best.type) ? best : null;
}
