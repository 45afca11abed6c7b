/**
 * Creating a file that only its owner can read, before anything else opens it.
 *
 * The SQLite store holds buyers' names, e-mails and masked cards. Left to itself SQLite creates the
 * database file with the process umask (usually 0644, readable by every local user), and its `-wal`
 * and `-shm` files copy the database file's mode. So the store creates the empty file first, 0600,
 * and SQLite opens that; the `-wal`/`-shm` files then follow it.
 */
import { closeSync, constants, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Makes sure `filename` exists, creating it empty with mode 0600 (and its missing directories with
 * 0700) when it does not. An existing file — or anything else at that path, a symlink included — is
 * left exactly as it is: its mode may be the owner's deliberate choice. Returns true when it created
 * the file.
 */
export function createPrivateFile(filename: string): boolean {
  mkdirSync(dirname(filename), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    // O_EXCL: never opens an existing path, and never follows a symlink (not even a dangling one).
    fd = openSync(filename, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fchmodSync(fd, 0o600); // exactly 0600, whatever the umask took away
  } finally {
    closeSync(fd);
  }
  return true;
}
