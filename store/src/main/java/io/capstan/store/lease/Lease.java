package io.capstan.store.lease;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * A copy of one lease's applied state: its granted TTL, the remaining TTL last checkpointed (0 if
 * never), and its keys sorted as unsigned bytes.
 */
public record Lease(long id, long ttlSeconds, long remainingTtlSeconds, List<ByteString> keys) {

    public Lease {
        keys = List.copyOf(keys);
    }
}
