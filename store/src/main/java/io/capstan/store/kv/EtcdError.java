package io.capstan.store.kv;

/**
 * The failures the etcd v3 API reports, with etcd's exact messages: clients compare them
 * (clientv3's rpctypes), so they must not be reworded. The gRPC status code of each is decided in
 * one place, {@code rpc.EtcdErrors}.
 */
public enum EtcdError {
    EMPTY_KEY("etcdserver: key is not provided"),
    KEY_NOT_FOUND("etcdserver: key not found"),
    VALUE_PROVIDED("etcdserver: value is provided"),
    LEASE_PROVIDED("etcdserver: lease is provided"),
    TOO_MANY_OPS("etcdserver: too many operations in txn request"),
    DUPLICATE_KEY("etcdserver: duplicate key given in txn request"),
    COMPACTED("etcdserver: mvcc: required revision has been compacted"),
    FUTURE_REVISION("etcdserver: mvcc: required revision is a future revision"),
    NO_SPACE("etcdserver: mvcc: database space exceeded"),
    LEASE_NOT_FOUND("etcdserver: requested lease not found"),
    LEASE_EXISTS("etcdserver: lease already exists"),
    LEASE_TTL_TOO_LARGE("etcdserver: too large lease TTL"),
    MEMBER_EXISTS("etcdserver: member ID already exist"),
    PEER_URL_EXISTS("etcdserver: Peer URLs already exists"),
    MEMBER_NOT_FOUND("etcdserver: member not found"),
    MEMBER_BAD_URLS("etcdserver: given member URLs are invalid"),
    REQUEST_TOO_LARGE("etcdserver: request is too large"),
    BAD_LEADER_TRANSFEREE("etcdserver: bad leader transferee"),
    NO_LEADER("etcdserver: no leader"),
    NOT_LEADER("etcdserver: not leader"),
    TIMEOUT("etcdserver: request timed out"),
    STOPPED("etcdserver: server stopped"),
    NOT_CAPABLE("etcdserver: not capable"),
    INVALID_ARGUMENT("etcdserver: invalid argument");

    private final String message;

    EtcdError(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }
}
