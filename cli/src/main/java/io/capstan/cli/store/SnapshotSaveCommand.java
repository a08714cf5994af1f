package io.capstan.cli.store;

import io.capstan.cli.CommandException;
import io.capstan.proto.etcd.MaintenanceGrpc;
import io.capstan.proto.etcd.SnapshotRequest;
import io.capstan.proto.etcd.SnapshotResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code capstan store snapshot save FILE}: streams one member's point-in-time snapshot into {@code
 * FILE.part}, checks its SHA-256 trailer, and only then renames it to {@code FILE}, so {@code FILE}
 * is never a partial snapshot.
 */
@Command(
        name = "save",
        mixinStandardHelpOptions = true,
        description = {
            "Saves a point-in-time snapshot of the store to FILE (written to FILE.part, checked, then renamed);"
                    + " prints its revision, size and SHA-256."
        })
final class SnapshotSaveCommand implements Callable<Integer> {
    /** A snapshot is the whole state: it may take longer than one ordinary call. */
    private static final Duration MIN_DEADLINE = Duration.ofMinutes(5);

    @ParentCommand
    @Nullable
    SnapshotCommand parent;

    @Spec
    @Nullable
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Where to write the snapshot.")
    Path file = Path.of("");

    record Saved(String endpoint, long revision, long sizeBytes, String sha256) {}

    @Override
    public Integer call() {
        StoreCommand store = Commands.require(Commands.require(parent).parent);
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Saved saved;
        try (StoreConnection connection = store.connect()) {
            Duration deadline = connection.timeout().compareTo(MIN_DEADLINE) > 0 ? connection.timeout() : MIN_DEADLINE;
            saved = connection.call(endpoint -> download(endpoint, part, deadline));
            SnapshotFile.verify(part);
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(part);
            throw new CommandException("snapshot save: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(part);
            throw e;
        }
        PrintWriter out = Commands.out(spec);
        out.println("Snapshot saved at " + file + " from " + saved.endpoint() + ": revision " + saved.revision() + ", "
                + saved.sizeBytes() + " bytes, sha256 " + saved.sha256());
        out.flush();
        return 0;
    }

    private static Saved download(StoreConnection.Endpoint endpoint, Path part, Duration deadline) {
        MessageDigest digest = SnapshotFile.sha256();
        long revision = 0;
        long size = 0;
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(part), digest)) {
            Iterator<SnapshotResponse> chunks = MaintenanceGrpc.newBlockingStub(endpoint.channel())
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .snapshot(SnapshotRequest.getDefaultInstance());
            while (chunks.hasNext()) {
                SnapshotResponse chunk = chunks.next();
                if (chunk.hasHeader()) {
                    revision = chunk.getHeader().getRevision();
                }
                chunk.getBlob().writeTo(out);
                size += chunk.getBlob().size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Saved(endpoint.address(), revision, size, HexFormat.of().formatHex(digest.digest()));
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the failure being reported matters more than a leftover .part file
        }
    }
}
