package io.capstan.store.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.capstan.proto.store.v1.CommandResults;
import io.capstan.proto.store.v1.LogEntry;
import io.capstan.proto.store.v1.StoreCommand;
import java.util.List;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Converts between Ratis's (shaded) bytes and Capstan's log-entry messages. Ratis shades
 * protobuf, so this is the one place where the two byte-string types meet.
 */
public final class LogEntries {
    /** The log-entry format this release writes; readers refuse newer ones. */
    public static final int FORMAT_VERSION = 1;

    private LogEntries() {}

    static Message encode(List<StoreCommand> commands) {
        LogEntry entry = LogEntry.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .addAllCommands(commands)
                .build();
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(entry.toByteArray()));
    }

    /**
     * Decodes one log entry.
     *
     * @throws InvalidProtocolBufferException when the bytes are not a log entry, or were written
     *     in a format newer than this release understands
     */
    static LogEntry decode(ByteString data) throws InvalidProtocolBufferException {
        LogEntry entry = LogEntry.parseFrom(data.asReadOnlyByteBuffer());
        if (entry.getFormatVersion() == 0 || entry.getFormatVersion() > FORMAT_VERSION) {
            throw new InvalidProtocolBufferException("log entry format version "
                    + entry.getFormatVersion() + " is not supported (this release reads up to "
                    + FORMAT_VERSION + ")");
        }
        return entry;
    }

    static Message encodeResults(CommandResults results) {
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(results.toByteArray()));
    }

    static CommandResults decodeResults(Message message) throws InvalidProtocolBufferException {
        return CommandResults.parseFrom(message.getContent().asReadOnlyByteBuffer());
    }

    static Message encodeLong(long value) {
        return Message.valueOf(ByteString.copyFromUtf8(Long.toString(value)));
    }
}
