package io.capstan.store.raft;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * etcd names members by uint64 IDs; Ratis names peers by strings. A member's ID is derived from
 * its peer address (as etcd derives it from its peer URLs), so a peer started later knows its own
 * ID, and the Ratis peer ID is that number in hex, the way etcdctl prints member IDs.
 */
public final class MemberIds {
    private MemberIds() {}

    /** "http://127.0.0.1:2380" or "127.0.0.1:2380" becomes "127.0.0.1:2380". */
    public static String peerAddress(String peerUrl) {
        String url = peerUrl.trim();
        if (url.contains("://")) {
            URI uri = URI.create(url);
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("peer URL " + peerUrl + " needs a host and a port");
            }
            return uri.getHost() + ":" + uri.getPort();
        }
        int colon = url.lastIndexOf(':');
        if (colon <= 0 || colon == url.length() - 1) {
            throw new IllegalArgumentException("peer address " + peerUrl + " needs a host and a port");
        }
        return url;
    }

    /** The member ID of the member listening for peers at {@code peerUrl}; never 0. */
    public static long memberId(String clusterToken, String peerUrl) {
        byte[] digest = sha256(clusterToken + "/" + peerAddress(peerUrl));
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (digest[i] & 0xff);
        }
        return id == 0 ? 1 : id;
    }

    public static RaftPeerId peerId(long memberId) {
        return RaftPeerId.valueOf(Long.toHexString(memberId));
    }

    public static long memberId(RaftPeerId peerId) {
        return Long.parseUnsignedLong(peerId.toString(), 16);
    }

    /** The Raft group of a cluster is fixed by its token, so restarts find their group directory. */
    public static UUID groupUuid(String clusterToken) {
        return UUID.nameUUIDFromBytes(("capstan-store/" + clusterToken).getBytes(StandardCharsets.UTF_8));
    }

    public static long clusterId(String clusterToken) {
        byte[] digest = sha256("cluster/" + clusterToken);
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (digest[i] & 0xff);
        }
        return id;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
