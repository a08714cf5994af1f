package io.capstan.cli.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A snapshot as Maintenance.Snapshot streams it, etcd's layout: the state, padded to a multiple of
 * 512 bytes, then the SHA-256 of everything before it.
 */
final class SnapshotFile {
    static final int TRAILER_BYTES = 32;

    private SnapshotFile() {}

    /**
     * @throws IOException if the file cannot be read, or its trailer is not the SHA-256 of the rest
     */
    static void verify(Path file) throws IOException {
        long size = Files.size(file);
        if (size <= TRAILER_BYTES) {
            throw new IOException(file + " is not a snapshot: " + size + " bytes, too short for its SHA-256 trailer");
        }
        MessageDigest digest = sha256();
        byte[] trailer = new byte[TRAILER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            long remaining = size - TRAILER_BYTES;
            byte[] buffer = new byte[64 * 1024];
            while (remaining > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (read < 0) {
                    throw new IOException(file + " ended early while it was read");
                }
                digest.update(buffer, 0, read);
                remaining -= read;
            }
            if (in.readNBytes(trailer, 0, TRAILER_BYTES) != TRAILER_BYTES) {
                throw new IOException(file + " ended early while it was read");
            }
        }
        byte[] computed = digest.digest();
        if (!Arrays.equals(computed, trailer)) {
            throw new IOException(
                    file + " is damaged: its SHA-256 trailer " + HexFormat.of().formatHex(trailer)
                            + " does not match its content's " + HexFormat.of().formatHex(computed));
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
