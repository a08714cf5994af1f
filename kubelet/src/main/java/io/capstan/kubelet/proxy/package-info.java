/**
 * The service proxy: on each node, TCP listeners on every Service's ClusterIP and node port that
 * balance new connections round-robin over the Service's ready endpoints (Netty, NIO, SO_REUSEPORT).
 * {@link io.capstan.kubelet.proxy.ServiceProxy} is the entry point.
 */
@NullMarked
package io.capstan.kubelet.proxy;

import org.jspecify.annotations.NullMarked;
