package io.capstan.kubelet.proxy;

/**
 * What one proxy saw of one Service's connections since it started serving it.
 *
 * @param active client connections open now (connecting to an endpoint, or relaying)
 * @param accepted client connections accepted on any of the service's listeners
 * @param rejected client connections reset at once: no ready endpoint, or none that accepted a
 *     connect within the allowed attempts
 */
public record ConnectionCounts(long active, long accepted, long rejected) {
    public static final ConnectionCounts NONE = new ConnectionCounts(0, 0, 0);
}
