/** Writes that are complete or absent: a reader sees the old file or the new one, never half. */
import { randomBytes } from 'node:crypto';
import { constants, copyFile, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to a temporary file beside `path`, syncs it, then renames it over `path`. A
 * symbolic link is followed, so the file it points to is replaced and the link kept.
 */
export async function writeFileAtomic(linkOrPath: string, text: string): Promise<void> {
  const path = await realpath(linkOrPath).catch(() => linkOrPath);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // Keep the permissions of the file being replaced (a config may be readable by its owner only).
  const mode = await stat(path).then(
    (s) => s.mode & 0o777,
    () => 0o644,
  );
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Copies `path` to `PATH.bak-<UTC timestamp>` (never overwriting one) and returns the backup's path. */
export async function backupFile(path: string, now: Date = new Date()): Promise<string> {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let attempt = 0; ; attempt++) {
    const backup = `${path}.bak-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    try {
      await copyFile(path, backup, constants.COPYFILE_EXCL);
      return backup;
    } catch (error) {
      // Two migrations within one second: keep both backups rather than overwrite one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw error;
    }
  }
}
