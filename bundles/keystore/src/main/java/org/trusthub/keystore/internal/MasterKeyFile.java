package org.trusthub.keystore.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import org.trusthub.api.keystore.KeystoreException;

/**
 * The hub master key: 32 random bytes in a file of their own, apart from the store they protect, so that a copy of
 * the data directory alone does not reveal the keys.
 */
public final class MasterKeyFile {

    /** Length of the master key, in bytes (AES-256). */
    public static final int LENGTH = 32;

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private MasterKeyFile() {
    }

    /** Whether the file exists (without following a link to decide). */
    public static boolean exists(Path file) {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Reads the master key.
     *
     * @throws KeystoreException naming the file when it is not a regular file, is readable or writable by anyone
     *         but its owner, or does not hold exactly {@value #LENGTH} bytes
     */
    public static byte[] read(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new KeystoreException("master key file " + file + " is not a regular file");
        }
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (view != null) {
                Set<PosixFilePermission> perms = view.readAttributes().permissions();
                if (!OWNER_ONLY_FILE.containsAll(perms)) {
                    throw new KeystoreException("master key file " + file + " has permissions "
                            + PosixFilePermissions.toString(perms)
                            + "; refusing it: it must be readable and writable by its owner only (chmod 600)");
                }
            }
            long size = Files.size(file);
            if (size != LENGTH) {
                throw new KeystoreException("master key file " + file + " is " + size + " bytes; it must be exactly "
                        + LENGTH + " bytes: restore the right file (a new one cannot open the existing store)");
            }
            byte[] key = Files.readAllBytes(file);
            if (key.length != LENGTH) {
                Arrays.fill(key, (byte) 0);
                throw new KeystoreException("master key file " + file + " changed size while being read");
            }
            return key;
        } catch (IOException e) {
            throw new KeystoreException("cannot read master key file " + file + ": " + e, e);
        }
    }

    /**
     * Creates a fresh master key from {@link SecureRandom} and writes it atomically: a temporary file with owner-only
     * permissions, flushed to disk, then linked to its name, which fails rather than replace a key that appeared
     * meanwhile. Missing parent directories are created owner-only.
     *
     * @return the new key; the caller wipes it
     */
    public static byte[] create(Path file, SecureRandom random) {
        Path dir = file.toAbsolutePath().getParent();
        byte[] key = new byte[LENGTH];
        random.nextBytes(key);
        Path tmp = null;
        try {
            createDirectories(dir);
            tmp = Files.createTempFile(dir, ".master-key", ".tmp", posix(dir)
                    ? new java.nio.file.attribute.FileAttribute<?>[] {
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE) }
                    : new java.nio.file.attribute.FileAttribute<?>[0]);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(key);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.createLink(file, tmp);
                Files.delete(tmp);
            } catch (UnsupportedOperationException e) {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            tmp = null;
            syncDirectory(dir);
            return key;
        } catch (FileAlreadyExistsException e) {
            Arrays.fill(key, (byte) 0);
            throw new KeystoreException("master key file " + file + " appeared while a new one was being written; "
                    + "it was left untouched: start again", e);
        } catch (IOException e) {
            Arrays.fill(key, (byte) 0);
            throw new KeystoreException("cannot create master key file " + file + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file holds a key nobody uses; nothing better to do
                }
            }
        }
    }

    private static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            if (posix(parent == null ? dir.getRoot() : parent)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                // the umask may have narrowed the requested mode, never widened it; set it exactly anyway
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    private static boolean posix(Path anyPathOnTheFileSystem) {
        return anyPathOnTheFileSystem != null
                && anyPathOnTheFileSystem.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the rename is still atomic there
        }
    }
}
