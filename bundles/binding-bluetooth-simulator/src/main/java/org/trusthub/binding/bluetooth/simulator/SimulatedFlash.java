package org.trusthub.binding.bluetooth.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * The non-volatile memory of the simulated peripherals, one file each: its identity, IRK and the bond it holds with
 * the hub. This is the simulated device's storage, not the hub's (the hub's keys live only in the keystore); it
 * survives a hub restart as a real device's flash would. Owner-only files.
 */
final class SimulatedFlash {

    private final Path directory;

    SimulatedFlash(Path directory) {
        this.directory = directory;
    }

    Optional<Properties> load(String name) {
        Path file = directory.resolve(name + ".properties");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read simulated peripheral " + name, e);
        }
        return Optional.of(p);
    }

    void store(String name, Properties p) {
        try {
            Files.createDirectories(directory);
            Path tmp = Files.createTempFile(directory, name, ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's permissions apply
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "trusthub SIMULATED Bluetooth LE peripheral (device flash, not hub storage)");
            }
            Files.move(tmp, directory.resolve(name + ".properties"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write simulated peripheral " + name, e);
        }
    }

    static String hex(byte[] b) {
        return b == null ? "" : HexFormat.of().formatHex(b);
    }

    static byte[] unhex(String s) {
        return s == null || s.isEmpty() ? null : HexFormat.of().parseHex(s);
    }
}
