package org.trusthub.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A crash-safe store of opaque records: an append-only journal plus a snapshot that is replaced atomically.
 *
 * <p>A record is durable when {@link #append} returns (the journal is forced to disk). A crash mid-append leaves
 * an incomplete last record, which the next {@link #open} trims: it was never acknowledged. Every other damage (a
 * bit flip, a record that fails authentication, a snapshot cut short, a journal newer than its snapshot) makes
 * {@code open} refuse with {@link StoreCorruptedException} and leaves the files as found. {@link #compact} writes
 * the full state to a new snapshot, forces it, renames it over the old one and only then starts a new journal, so
 * a crash at any point leaves either the old or the new state.
 *
 * <p>File layout (both files): magic, format version, epoch, 16-byte salt, key check; then frames of a 4-byte
 * length, a CRC32C of that length and a sealed record. Each record's additional data binds the file kind, epoch, salt and the record's
 * position. A snapshot ends with a sealed trailer holding its record count.
 */
public final class RecordStore implements AutoCloseable {

    /** Largest record accepted, in bytes. */
    public static final int MAX_RECORD_LENGTH = 16 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RecordStore.class);

    private static final byte[] SNAPSHOT_MAGIC = {'T', 'H', 'S', 'N'};
    private static final byte[] JOURNAL_MAGIC = {'T', 'H', 'J', 'N'};
    private static final byte FORMAT_VERSION = 1;
    private static final int SALT_LENGTH = 16;
    // A frame starts with the record length and a CRC32C of it, so a damaged length is never taken for a torn tail.
    private static final int FRAME_HEADER = 8;
    // Shortest tag that ends a sealed record (AES-GCM: 16 bytes, the checksum sealer: 32).
    private static final int MIN_TAG = 16;
    private static final int SECTOR = 512;
    private static final byte KIND_RECORD = 'R';
    private static final byte KIND_TRAILER = 'T';
    // Compaction pays off once the journal is as large as the snapshot it would fold into (amortised O(1)).
    private static final long MIN_JOURNAL_BYTES_BEFORE_COMPACTION = 64 * 1024;

    private static final Set<PosixFilePermission> OWNER_FILE = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_DIR = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final Path directory;
    private final Path snapshotFile;
    private final Path journalFile;
    private final RecordSealer sealer;
    private final SecureRandom random = new SecureRandom();
    private final FileChannel lockChannel;
    private final FileLock lock;

    private long epoch;
    private FileChannel journal;
    private FileHeader journalHeader;
    private long journalRecords;
    private long snapshotBytes;
    // Set between a compaction's snapshot rename and the start of its new journal: the open journal belongs to the
    // previous epoch, and what it took now would be ignored at the next open. Appends first retry the new journal.
    private boolean journalPending;
    // Why writes are refused until the store is reopened: a failed append whose partial frame could not be taken
    // back (the next record would follow garbage, and open would refuse the file as damaged).
    private String poisoned;
    private boolean closed;

    private RecordStore(Path directory, String name, RecordSealer sealer, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.snapshotFile = directory.resolve(name + ".snapshot");
        this.journalFile = directory.resolve(name + ".journal");
        this.sealer = sealer;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens or creates {@code <directory>/<name>.snapshot} and {@code <name>.journal} and replays every record,
     * snapshot first, then journal, into {@code replay} before returning. The directory is created owner-only.
     *
     * @throws WrongKeyException if the files were sealed under another key
     * @throws StoreCorruptedException if a file is damaged, or {@code replay} cannot decode a record
     * @throws StoreException if the files cannot be read or written, or another process holds the store
     */
    public static RecordStore open(Path directory, String name, RecordSealer sealer, Consumer<byte[]> replay)
            throws StoreException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(sealer, "sealer");
        Objects.requireNonNull(replay, "replay");
        if (name == null || !name.matches("[a-z0-9][a-z0-9.-]*")) {
            throw new IllegalArgumentException("store name must be lower-case letters, digits, '.' and '-'");
        }
        createOwnerOnlyDirectory(directory);
        Path lockFile = directory.resolve(name + ".lock");
        FileChannel lockChannel = null;
        try {
            lockChannel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    fileAttributes(OWNER_FILE, lockFile));
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StoreException("store " + directory.resolve(name) + " is in use by another process");
            }
            RecordStore store = new RecordStore(directory, name, sealer, lockChannel, lock);
            try {
                store.load(replay);
            } catch (StoreException | RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        } catch (StoreException e) {
            closeQuietly(lockChannel);
            throw e;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new StoreException("cannot open store " + directory.resolve(name) + ": " + e, e);
        }
    }

    /** Appends one record; it is on disk when this returns. A failed append leaves the store as it was. */
    public synchronized void append(byte[] record) throws StoreException {
        appendAll(List.of(record));
    }

    /** Appends records with a single force to disk; all of them are durable when this returns. */
    public synchronized void appendAll(List<byte[]> records) throws StoreException {
        checkOpen();
        if (records.isEmpty()) {
            return;
        }
        if (journalPending) {
            try {
                startJournal();
            } catch (IOException e) {
                throw new StoreException("cannot append to " + journalFile + ": the journal that follows the last "
                        + "compaction cannot be started (" + e + "); nothing was written", e);
            }
        }
        List<byte[]> frames = new ArrayList<>(records.size());
        int total = 0;
        long seq = journalRecords;
        for (byte[] record : records) {
            checkLength(record);
            byte[] sealed = sealer.seal(journalHeader.salt, aad(journalHeader, KIND_RECORD, seq++), record);
            frames.add(sealed);
            total += FRAME_HEADER + sealed.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(total);
        for (byte[] sealed : frames) {
            putFrameHeader(buffer, sealed.length).put(sealed);
        }
        buffer.flip();
        long before;
        try {
            before = journal.size();
        } catch (IOException e) {
            throw new StoreException("cannot append to " + journalFile + ": " + e, e);
        }
        try {
            journal.position(before);
            while (buffer.hasRemaining()) {
                journal.write(buffer);
            }
            journal.force(false);
        } catch (IOException | RuntimeException e) {
            // Take the partial frame back so the next append does not follow garbage.
            try {
                journal.truncate(before);
                journal.force(false);
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
                poisoned = "an append to " + journalFile + " failed and its partial record could not be taken back ("
                        + again + ")";
                LOG.error("Store {}: {}; refusing writes until it is reopened (the next open trims the partial "
                        + "record)", directory, poisoned);
            }
            throw new StoreException("cannot append to " + journalFile + ": " + e, e);
        }
        journalRecords = seq;
    }

    /**
     * Replaces the store's content with {@code records}, the caller's full current state, atomically: after a
     * crash the store holds either the old content (snapshot plus journal) or exactly these records.
     */
    public synchronized void compact(Iterable<byte[]> records) throws StoreException {
        checkOpen();
        long newEpoch = epoch + 1;
        Path tmpSnapshot = tmp(snapshotFile);
        FileHeader header = new FileHeader(SNAPSHOT_MAGIC, newEpoch, newSalt());
        long count = 0;
        try {
            // a temporary file left by an earlier failure is ours (we hold the store's lock): start afresh
            Files.deleteIfExists(tmpSnapshot);
        } catch (IOException e) {
            throw new StoreException("cannot remove the leftover " + tmpSnapshot + ": " + e, e);
        }
        try (FileChannel out = createExclusive(tmpSnapshot)) {
            write(out, ByteBuffer.wrap(header.encode(sealer)));
            for (byte[] record : records) {
                checkLength(record);
                writeFrame(out, sealer.seal(header.salt, aad(header, KIND_RECORD, count++), record));
            }
            byte[] trailer = ByteBuffer.allocate(8).putLong(count).array();
            writeFrame(out, sealer.seal(header.salt, aad(header, KIND_TRAILER, count), trailer));
            out.force(true);
        } catch (IOException e) {
            deleteQuietly(tmpSnapshot);
            throw new StoreException("cannot write snapshot " + tmpSnapshot + ": " + e, e);
        }
        try {
            replace(tmpSnapshot, snapshotFile);
        } catch (IOException e) {
            deleteQuietly(tmpSnapshot);
            throw new StoreException("cannot replace snapshot " + snapshotFile + ": " + e, e);
        }
        // From here the new snapshot is the state; the old journal (older epoch) is ignored if we crash now, so
        // nothing may be appended to it any more.
        epoch = newEpoch;
        journalPending = true;
        try {
            snapshotBytes = Files.size(snapshotFile);
        } catch (IOException e) {
            snapshotBytes = 0;
        }
        try {
            startJournal();
        } catch (IOException e) {
            throw new StoreException("compaction wrote snapshot " + snapshotFile + " but cannot start a new journal "
                    + journalFile + " (" + e + "); appends are refused until it can be started, each append "
                    + "retries", e);
        }
    }

    /** Whether the journal has grown enough that {@link #compact} pays off. */
    public synchronized boolean shouldCompact() {
        long bytes = journalBytes();
        return bytes > MIN_JOURNAL_BYTES_BEFORE_COMPACTION && bytes > snapshotBytes;
    }

    /** Size of the journal file in bytes. */
    public synchronized long journalBytes() {
        try {
            return closed || journal == null ? 0 : journal.size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Size of the snapshot file in bytes (0 before the first compaction). */
    public synchronized long snapshotBytes() {
        return snapshotBytes;
    }

    /** Records in the journal since the last compaction. */
    public synchronized long journalRecords() {
        return journalRecords;
    }

    /** The directory the store lives in. */
    public Path directory() {
        return directory;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(journal);
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            LOG.debug("releasing lock of {} failed", directory, e);
        }
        closeQuietly(lockChannel);
    }

    // --- reading

    private void load(Consumer<byte[]> replay) throws StoreException {
        deleteQuietly(tmp(snapshotFile));
        deleteQuietly(tmp(journalFile));
        boolean hasSnapshot = Files.exists(snapshotFile);
        boolean hasJournal = Files.exists(journalFile);
        long snapshotEpoch = 0;
        if (hasSnapshot) {
            try {
                snapshotEpoch = readSnapshot(replay);
            } catch (WrongKeyException e) {
                throw hasJournal && keyFits(journalFile, JOURNAL_MAGIC) ? new StoreCorruptedException(
                        "header of snapshot " + snapshotFile + " is damaged (the journal opens with this key)") : e;
            }
            snapshotBytes = sizeOf(snapshotFile);
        } else if (hasJournal && peekEpoch(journalFile) != 0) {
            throw new StoreCorruptedException("snapshot " + snapshotFile + " is missing but journal " + journalFile
                    + " follows one: restore the snapshot from a backup");
        }
        epoch = snapshotEpoch;
        if (!hasJournal) {
            if (hasSnapshot) {
                throw new StoreCorruptedException("journal " + journalFile + " is missing beside snapshot "
                        + snapshotFile + ": restore it from a backup");
            }
            try {
                startJournal();
            } catch (IOException e) {
                throw new StoreException("cannot create journal " + journalFile + ": " + e, e);
            }
            return;
        }
        try {
            readJournal(replay, snapshotEpoch);
        } catch (WrongKeyException e) {
            // The snapshot opened with this key, so the key is right and the journal's header is what is wrong.
            throw hasSnapshot ? new StoreCorruptedException("header of journal " + journalFile
                    + " is damaged (the snapshot opens with this key)") : e;
        }
    }

    private boolean keyFits(Path file, byte[] magic) {
        try {
            FileHeader.decode(ByteBuffer.wrap(readAll(file)), magic, file, sealer);
            return true;
        } catch (StoreException e) {
            return false;
        }
    }

    private long readSnapshot(Consumer<byte[]> replay) throws StoreException {
        byte[] content = readAll(snapshotFile);
        ByteBuffer in = ByteBuffer.wrap(content);
        FileHeader header = FileHeader.decode(in, SNAPSHOT_MAGIC, snapshotFile, sealer);
        long count = 0;
        while (true) {
            int frameStart = in.position();
            if (in.remaining() < FRAME_HEADER) {
                throw new StoreCorruptedException("snapshot " + snapshotFile + " is truncated at byte " + frameStart
                        + " (no trailer)");
            }
            int length = readFrameHeader(in);
            if (length < 0) {
                throw new StoreCorruptedException("snapshot " + snapshotFile + " is damaged at byte " + frameStart
                        + " (record length fails its check)");
            }
            if (length == 0 || length > in.remaining()) {
                throw new StoreCorruptedException("snapshot " + snapshotFile + " is truncated or damaged at byte "
                        + frameStart);
            }
            byte[] sealed = new byte[length];
            in.get(sealed);
            if (!in.hasRemaining()) {
                byte[] trailer = openOrExplain(header, KIND_TRAILER, count, sealed, snapshotFile, frameStart,
                        "snapshot is truncated or tampered (its last record is not a valid trailer)");
                if (trailer.length != 8 || ByteBuffer.wrap(trailer).getLong() != count) {
                    throw new StoreCorruptedException("snapshot " + snapshotFile + " trailer does not match its "
                            + count + " records");
                }
                return header.epoch;
            }
            byte[] record = openOrExplain(header, KIND_RECORD, count, sealed, snapshotFile, frameStart,
                    "record fails authentication: the file is damaged or tampered");
            deliver(replay, record, snapshotFile, count);
            count++;
        }
    }

    private void readJournal(Consumer<byte[]> replay, long snapshotEpoch) throws StoreException {
        byte[] content = readAll(journalFile);
        ByteBuffer in = ByteBuffer.wrap(content);
        FileHeader header = FileHeader.decode(in, JOURNAL_MAGIC, journalFile, sealer);
        if (header.epoch < snapshotEpoch) {
            // A compaction renamed its snapshot in and crashed before starting the new journal: everything in
            // this journal is already in the snapshot.
            LOG.info("journal {} predates snapshot {} (interrupted compaction); starting a new journal",
                    journalFile, snapshotFile);
            try {
                startJournal();
            } catch (IOException e) {
                throw new StoreException("cannot start a new journal " + journalFile + ": " + e, e);
            }
            return;
        }
        if (header.epoch > snapshotEpoch) {
            throw new StoreCorruptedException("journal " + journalFile + " (epoch " + header.epoch
                    + ") is newer than snapshot " + snapshotFile + " (epoch " + snapshotEpoch
                    + "): the snapshot was replaced by an older copy");
        }
        long count = 0;
        int goodEnd = in.position();
        String tornReason = null;
        int zeroTail = zeroTailStart(content);
        while (in.hasRemaining()) {
            int frameStart = in.position();
            if (in.remaining() < FRAME_HEADER) {
                tornReason = "an incomplete length field";
                break;
            }
            int length = readFrameHeader(in);
            if (length <= 0 || length > MAX_RECORD_LENGTH + 64) {
                if (zeroTail < frameStart + FRAME_HEADER) {
                    // zeros from inside this header to the end: the header was being written when power failed
                    tornReason = "zero bytes";
                    break;
                }
                // A crash leaves a short or zeroed tail, never a complete length field that fails its check: a
                // damaged length must not pass for a torn write, or it would trim acknowledged records after it.
                throw new StoreCorruptedException("journal " + journalFile + " is damaged at byte " + frameStart
                        + " (record length fails its check)");
            }
            if (length > in.remaining()) {
                tornReason = "an incomplete record";
                break;
            }
            byte[] sealed = new byte[length];
            in.get(sealed);
            byte[] record;
            try {
                record = sealer.open(header.salt, aad(header, KIND_RECORD, count), sealed);
            } catch (StoreCorruptedException e) {
                if (isTornTail(frameStart + FRAME_HEADER, in.position(), zeroTail)) {
                    tornReason = "a record whose end was never written (zero bytes)";
                    break;
                }
                throw new StoreCorruptedException("journal " + journalFile + " record " + count + " at byte "
                        + frameStart + " fails authentication: the file is damaged or tampered");
            }
            deliver(replay, record, journalFile, count);
            count++;
            goodEnd = in.position();
        }
        try {
            journal = FileChannel.open(journalFile, StandardOpenOption.WRITE);
            if (tornReason != null) {
                // Only the tail can be torn, and what it held was never acknowledged to a caller.
                LOG.warn("journal {} ends in {} ({} bytes after record {}): a write interrupted by a crash, never "
                        + "acknowledged; trimmed", journalFile, tornReason, content.length - goodEnd, count);
                journal.truncate(goodEnd);
                journal.force(false);
            }
        } catch (IOException e) {
            throw new StoreException("cannot open journal " + journalFile + " for writing: " + e, e);
        }
        journalHeader = header;
        journalRecords = count;
    }

    private byte[] openOrExplain(FileHeader header, byte kind, long seq, byte[] sealed, Path file, int at,
            String explanation) throws StoreCorruptedException {
        try {
            return sealer.open(header.salt, aad(header, kind, seq), sealed);
        } catch (StoreCorruptedException e) {
            throw new StoreCorruptedException(file + " at byte " + at + ": " + explanation);
        }
    }

    private static void deliver(Consumer<byte[]> replay, byte[] record, Path file, long index)
            throws StoreCorruptedException {
        try {
            replay.accept(record);
        } catch (RuntimeException e) {
            throw new StoreCorruptedException("record " + index + " of " + file + " cannot be decoded: "
                    + e.getMessage());
        }
    }

    // --- writing

    private void startJournal() throws IOException {
        Path tmpJournal = tmp(journalFile);
        FileHeader header = new FileHeader(JOURNAL_MAGIC, epoch, newSalt());
        Files.deleteIfExists(tmpJournal); // ours, left by an earlier failure
        try {
            try (FileChannel out = createExclusive(tmpJournal)) {
                write(out, ByteBuffer.wrap(header.encode(sealer)));
                out.force(true);
            }
            replace(tmpJournal, journalFile);
        } catch (IOException e) {
            deleteQuietly(tmpJournal);
            throw e;
        }
        closeQuietly(journal);
        journal = null;
        journal = FileChannel.open(journalFile, StandardOpenOption.WRITE);
        journalHeader = header;
        journalRecords = 0;
        journalPending = false;
    }

    private void replace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + directory + " cannot rename atomically", e);
        }
        forceDirectory();
    }

    // The rename is durable only once the directory entry is.
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; there the rename's durability is the file system's.
            LOG.debug("cannot force directory {}", directory, e);
        }
    }

    private FileChannel createExclusive(Path file) throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                fileAttributes(OWNER_FILE, file));
    }

    private static void writeFrame(FileChannel out, byte[] sealed) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER + sealed.length);
        putFrameHeader(frame, sealed.length).put(sealed).flip();
        write(out, frame);
    }

    private static void write(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private byte[] newSalt() {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return salt;
    }

    private void checkOpen() throws StoreException {
        if (closed) {
            throw new StoreException("store " + directory + " is closed");
        }
        if (poisoned != null) {
            throw new StoreException("store " + directory + " refuses writes until it is reopened: " + poisoned);
        }
    }

    private static void checkLength(byte[] record) {
        if (record.length > MAX_RECORD_LENGTH) {
            throw new IllegalArgumentException("record of " + record.length + " bytes exceeds the limit of "
                    + MAX_RECORD_LENGTH);
        }
    }

    private static byte[] aad(FileHeader header, byte kind, long seq) {
        return ByteBuffer.allocate(4 + 1 + 8 + SALT_LENGTH + 1 + 8).put(header.magic).put(FORMAT_VERSION)
                .putLong(header.epoch).put(header.salt).put(kind).putLong(seq).array();
    }

    // --- files

    private static void createOwnerOnlyDirectory(Path directory) throws StoreException {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, fileAttributes(OWNER_DIR, directory));
            }
        } catch (FileAlreadyExistsException e) {
            throw new StoreException("store directory " + directory + " exists but is not a directory", e);
        } catch (IOException e) {
            throw new StoreException("cannot create store directory " + directory + ": " + e, e);
        }
    }

    private static FileAttribute<?>[] fileAttributes(Set<PosixFilePermission> permissions, Path file) {
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }

    private static byte[] readAll(Path file) throws StoreException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StoreException("store file " + file + " disappeared while opening", e);
        } catch (IOException e) {
            throw new StoreException("cannot read store file " + file + ": " + e, e);
        }
    }

    private static long sizeOf(Path file) throws StoreException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StoreException("cannot read store file " + file + ": " + e, e);
        }
    }

    private long peekEpoch(Path file) throws StoreException {
        ByteBuffer in = ByteBuffer.wrap(readAll(file));
        return FileHeader.decode(in, JOURNAL_MAGIC, file, sealer).epoch;
    }

    private static ByteBuffer putFrameHeader(ByteBuffer buffer, int length) {
        return buffer.putInt(length).putInt(lengthCheck(length));
    }

    /** The frame's record length, or -1 if the length fails its check. */
    private static int readFrameHeader(ByteBuffer in) {
        int length = in.getInt();
        int check = in.getInt();
        return check == lengthCheck(length) ? length : -1;
    }

    private static int lengthCheck(int length) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(4).putInt(length).flip());
        return (int) crc.getValue();
    }

    /** Where the run of zero bytes that ends the file begins ({@code content.length} if it ends otherwise). */
    private static int zeroTailStart(byte[] content) {
        int i = content.length;
        while (i > 0 && content[i - 1] == 0) {
            i--;
        }
        return i;
    }

    /**
     * Whether a record that fails its check at {@code [start, end)} is a write cut short by a power loss rather than
     * damage: file systems that allocate lazily leave the unwritten blocks of an extended file zero-filled, so such a
     * record ends in zeros up to the end of the file. The zeros must reach into the record, and either cover its
     * tag (both sealers end in a tag of at least {@value #MIN_TAG} bytes, which is never all zero but by a 2^-128
     * chance) or begin at a sector boundary, where a lost block would begin.
     */
    private static boolean isTornTail(int start, int end, int zeroTail) {
        if (zeroTail >= end) {
            return false;
        }
        return zeroTail <= end - MIN_TAG || (zeroTail >= start && zeroTail % SECTOR == 0);
    }

    private static Path tmp(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", file, e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("close failed", e);
            }
        }
    }

    /** The header of a store file: which kind, which epoch, the salt, and a check value of the key. */
    private static final class FileHeader {
        final byte[] magic;
        final long epoch;
        final byte[] salt;

        FileHeader(byte[] magic, long epoch, byte[] salt) {
            this.magic = magic;
            this.epoch = epoch;
            this.salt = salt;
        }

        byte[] encode(RecordSealer sealer) {
            byte[] check = sealer.keyCheck(salt);
            return ByteBuffer.allocate(4 + 1 + 8 + SALT_LENGTH + 1 + check.length).put(magic).put(FORMAT_VERSION)
                    .putLong(epoch).put(salt).put((byte) check.length).put(check).array();
        }

        static FileHeader decode(ByteBuffer in, byte[] expectedMagic, Path file, RecordSealer sealer)
                throws StoreException {
            if (in.remaining() < 4 + 1 + 8 + SALT_LENGTH + 1) {
                throw new StoreCorruptedException("store file " + file + " is truncated (" + in.remaining()
                        + " bytes, shorter than its header)");
            }
            byte[] magic = new byte[4];
            in.get(magic);
            if (!Arrays.equals(magic, expectedMagic)) {
                throw new StoreCorruptedException("store file " + file + " is not a trusthub "
                        + new String(expectedMagic, StandardCharsets.US_ASCII) + " file (bad magic)");
            }
            byte version = in.get();
            if (version != FORMAT_VERSION) {
                throw new StoreException("store file " + file + " has format version " + version
                        + ", this build reads version " + FORMAT_VERSION);
            }
            long epoch = in.getLong();
            byte[] salt = new byte[SALT_LENGTH];
            in.get(salt);
            int checkLength = in.get() & 0xff;
            if (in.remaining() < checkLength) {
                throw new StoreCorruptedException("store file " + file + " is truncated inside its header");
            }
            byte[] check = new byte[checkLength];
            in.get(check);
            if (!MessageDigest.isEqual(check, sealer.keyCheck(salt))) {
                throw new WrongKeyException("store file " + file
                        + " was sealed under a different key: is this the master key that belongs to this store?");
            }
            return new FileHeader(magic, epoch, salt);
        }
    }
}
