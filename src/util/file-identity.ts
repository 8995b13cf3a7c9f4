// Which file a path names right now (device and inode): a file deleted or replaced under the running
// process has another identity, or none. SQLite keeps reading and writing a deleted file without an
// error, so the stores compare identities to notice it.
import { statSync } from 'node:fs';

export function fileIdentity(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}
