package io.capstan.cli.store;

import com.google.protobuf.ByteString;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/** What the store verbs share: their parent, their streams, and etcd's prefix arithmetic. */
final class Commands {
    private Commands() {}

    /** picocli injects the parent before it runs a subcommand. */
    static <T> T require(@Nullable T injected) {
        if (injected == null) {
            throw new IllegalStateException("run through the command line: picocli injects the parent command");
        }
        return injected;
    }

    static PrintWriter out(@Nullable CommandSpec spec) {
        return require(spec).commandLine().getOut();
    }

    static PrintWriter err(@Nullable CommandSpec spec) {
        return require(spec).commandLine().getErr();
    }

    /**
     * The range end that covers every key starting with {@code prefix}, as etcd's {@code
     * GetPrefixRangeEnd}: the prefix with its last byte below 0xff incremented and what follows
     * dropped; {@code \0} (every key) when all its bytes are 0xff.
     */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0});
    }
}
