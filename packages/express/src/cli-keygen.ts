/**
 * `haipay keygen` — a new RSA-2048 key pair in HaiPay's format. Without `--out` the pair goes to
 * stdout as JSON, for piping into a secret store (with a warning on stderr: it holds the private key).
 * With `--out <dir>` it writes `haipay-private.pem` (0600) and `haipay-public.pem` (0644) whole or not
 * at all, and prints only the public key and the paths. An existing file is replaced only with
 * `--force`, and a symbolic link at either path never, so a planted link can't redirect a key.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { generateHaiPayKeyPair, parsePrivateKey, parsePublicKey, toPem } from '@haipay-kit/protocol/node';

/** What `keygen` reads from the command line. */
export interface KeygenFlags {
  out?: string;
  force?: boolean;
}

/** The CLI's output streams and its error for a usage mistake. */
export interface KeygenIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  usage: (message: string) => Error;
}

/** Runs `haipay keygen`; resolves with the exit code. */
export function runKeygenCommand(values: KeygenFlags, io: KeygenIo): number {
  if (values.out === undefined) {
    const pair = generateHaiPayKeyPair();
    io.stderr(
      'haipay keygen: warning: the JSON on stdout contains the PRIVATE key; pipe it straight into your secret store (or use --out <dir> to write key files instead).\n',
    );
    io.stdout(`${JSON.stringify(pair)}\n`);
    return 0;
  }
  if (values.out === '') throw io.usage('--out needs a directory, e.g. --out ./keys');
  const dir = resolve(values.out);
  const privateFile = join(dir, 'haipay-private.pem');
  const publicFile = join(dir, 'haipay-public.pem');
  const force = values.force === true;
  // Check both paths before generating or writing anything: a refusal writes nothing.
  checkKeyTarget(privateFile, force, io.usage);
  checkKeyTarget(publicFile, force, io.usage);
  const pair = generateHaiPayKeyPair();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeKeyFiles(
    [
      { path: privateFile, text: toPem(parsePrivateKey(pair.privateKey)), mode: 0o600 },
      { path: publicFile, text: toPem(parsePublicKey(pair.publicKey)), mode: 0o644 },
    ],
    force,
    io.usage,
  );
  io.stderr(
    `wrote ${privateFile} (mode 600: keep it secret) and ${publicFile}; upload the public key in HaiPay's merchant back office\n`,
  );
  io.stdout(
    `${JSON.stringify({ publicKey: pair.publicKey, privateKeyFile: privateFile, publicKeyFile: publicFile })}\n`,
  );
  return 0;
}

/**
 * Throws unless `path` may receive a key file: nothing there, or (with `force`) a regular file. A
 * symlink is refused even with `force` (lstat: the link itself, never what it points to), so a link
 * planted at a key path can't redirect the key into another file.
 */
function checkKeyTarget(path: string, force: boolean, usage: KeygenIo['usage']): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (stat.isSymbolicLink())
    throw usage(
      `${path} is a symbolic link; refusing to write a key through it (even with --force). Remove it first.`,
    );
  if (!stat.isFile()) throw usage(`${path} exists and is not a regular file; refusing to replace it.`);
  if (!force) throw usage(`${path} already exists; refusing to overwrite a key. Pass --force to replace it.`);
}

/**
 * Writes each file whole or not at all: into a new temporary file in the same directory (O_CREAT |
 * O_EXCL | O_NOFOLLOW, so never through an existing path or a symlink) with its final mode, fsynced,
 * then renamed over the target. Every temporary file is removed on failure.
 */
function writeKeyFiles(
  files: readonly { path: string; text: string; mode: number }[],
  force: boolean,
  usage: KeygenIo['usage'],
): void {
  const written: { tmp: string; path: string }[] = [];
  try {
    for (const file of files) {
      const tmp = join(dirname(file.path), `.${basename(file.path)}.${randomBytes(6).toString('hex')}.tmp`);
      const fd = openSync(
        tmp,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
        file.mode,
      );
      written.push({ tmp, path: file.path });
      try {
        fchmodSync(fd, file.mode); // the exact mode, whatever the umask
        const bytes = Buffer.from(file.text, 'utf8');
        let offset = 0;
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    // Checked again just before the renames. A rename replaces a symlink itself, never its target.
    for (const { path } of written) checkKeyTarget(path, force, usage);
    for (const file of written) {
      renameSync(file.tmp, file.path);
      file.tmp = '';
    }
  } finally {
    for (const { tmp } of written) if (tmp) rmSync(tmp, { force: true });
  }
  syncDirectory(dirname(files[0]!.path));
}

/** Makes the renames durable; best effort (not every platform can fsync a directory). */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* the files themselves are already synced */
  }
}
