package org.trusthub.binding.zigbee.simulator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The non-volatile memory of the simulated devices, one owner-only file each: what a real device keeps in its flash
 * (its link key, the network key it was sent, its frame counters and what it was set to), so a device survives an
 * update of the simulator or of the ZigBee binding and goes on without being commissioned again. This is the
 * simulated devices' storage, not the hub's: the hub's keys live only in its keystore. Without a directory (tests,
 * benchmarks) nothing is kept.
 */
final class DeviceMemory {

    /** Keeps nothing: devices live as long as the simulated air they are on. */
    static final DeviceMemory NONE = new DeviceMemory(null);

    private final Path directory;

    DeviceMemory(Path directory) {
        this.directory = directory;
    }

    /** Every device stored, in no particular order. */
    List<Properties> loadAll() {
        List<Properties> devices = new ArrayList<>();
        if (directory == null || !Files.isDirectory(directory)) {
            return devices;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.properties")) {
            for (Path file : files) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(file)) {
                    p.load(in);
                }
                devices.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the simulated ZigBee devices in " + directory, e);
        }
        return devices;
    }

    /** Replaces what device {@code ieee} holds, atomically (a crash leaves the old or the new memory). */
    void store(long ieee, Properties p) {
        if (directory == null) {
            return;
        }
        String name = String.format("%016x", ieee);
        try {
            if (!Files.isDirectory(directory)) {
                try {
                    Files.createDirectories(directory,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException e) {
                    Files.createDirectories(directory);
                }
            }
            Path tmp = Files.createTempFile(directory, name, ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's permissions apply
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "trusthub SIMULATED ZigBee device " + name + " (device flash, not hub storage)");
            }
            Files.move(tmp, directory.resolve(name + ".properties"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write simulated ZigBee device " + name, e);
        }
    }

    @Override
    public String toString() {
        return directory == null ? "memory only" : directory.toString();
    }
}
