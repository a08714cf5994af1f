package io.capstan.store.raft;

import io.capstan.proto.store.v1.SnapshotHeader;
import io.capstan.proto.store.v1.SnapshotRecord;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the snapshot format described on {@code SnapshotHeader} in raft.proto: a
 * header, the records in revision order, and an end marker that carries the record count.
 */
public final class SnapshotFiles {
    /** The snapshot format this release writes; readers refuse newer ones. */
    public static final int FORMAT_VERSION = 1;

    private SnapshotFiles() {}

    /** Writes a frozen state as one stream; the caller owns and closes {@code out}. */
    public static void write(SnapshotHeader header, AppliedState.FrozenState state, OutputStream out)
            throws IOException {
        header.toBuilder().setFormatVersion(FORMAT_VERSION).build().writeDelimitedTo(out);
        long[] count = {0};
        state.writeRecords(record -> {
            record.writeDelimitedTo(out);
            count[0]++;
        });
        SnapshotRecord.newBuilder().setMain(0).setSub(count[0]).build().writeDelimitedTo(out);
        out.flush();
    }

    /** Writes to a temporary file, syncs it and renames it into place, so a crash leaves no partial file. */
    static void writeFile(Path target, SnapshotHeader header, AppliedState.FrozenState state) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (var channel = java.nio.channels.FileChannel.open(
                        tmp,
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                        java.nio.file.StandardOpenOption.WRITE);
                OutputStream out =
                        new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
            write(header, state, out);
            channel.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** An open snapshot stream: its header and an iterator over its records. */
    public static final class Reader implements AutoCloseable {
        private final InputStream in;
        private final SnapshotHeader header;

        private Reader(InputStream in) throws IOException {
            this.in = in;
            SnapshotHeader parsed = SnapshotHeader.parseDelimitedFrom(in);
            if (parsed == null) {
                throw new IOException("snapshot is empty");
            }
            if (parsed.getFormatVersion() == 0 || parsed.getFormatVersion() > FORMAT_VERSION) {
                throw new IOException("snapshot format version " + parsed.getFormatVersion()
                        + " is not supported (this release reads up to " + FORMAT_VERSION + ")");
            }
            this.header = parsed;
        }

        public static Reader open(InputStream in) throws IOException {
            return new Reader(in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16));
        }

        public static Reader open(Path file) throws IOException {
            return open(Files.newInputStream(file));
        }

        public SnapshotHeader header() {
            return header;
        }

        /**
         * The records, read lazily; iterating past the last record checks the end marker and
         * throws {@link IllegalStateException} wrapping the problem if the stream was truncated.
         */
        public Iterator<SnapshotRecord> records() {
            return new Iterator<>() {
                private @Nullable SnapshotRecord next = advance();
                private long seen;

                private @Nullable SnapshotRecord advance() {
                    try {
                        SnapshotRecord record = SnapshotRecord.parseDelimitedFrom(in);
                        if (record == null) {
                            throw new IllegalStateException("snapshot is truncated: no end marker");
                        }
                        if (record.getMain() == 0) {
                            if (record.getSub() != seen) {
                                throw new IllegalStateException("snapshot end marker counts " + record.getSub()
                                        + " records but " + seen + " were read");
                            }
                            return null;
                        }
                        return record;
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot read snapshot record: " + e.getMessage(), e);
                    }
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public SnapshotRecord next() {
                    SnapshotRecord current = next;
                    if (current == null) {
                        throw new NoSuchElementException();
                    }
                    seen++;
                    next = advance();
                    return current;
                }
            };
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
