package io.capstan.store.mvcc;

/**
 * A CRC32 of the keyspace history visible from {@code compactRevision} up to {@code revision}
 * (etcd's HashKV). Equal stores give equal hashes whatever physical compaction has removed.
 */
public record KvHash(int hash, long revision, long compactRevision) {}
