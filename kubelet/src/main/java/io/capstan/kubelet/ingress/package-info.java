/**
 * The ingress proxy: on each node, an HTTP/1.1 reverse proxy (Netty, SO_REUSEPORT) that routes
 * requests by Host and path, as the Ingresses say, to their Services' ready endpoints. {@link
 * io.capstan.kubelet.ingress.IngressProxy} is the entry point; {@link
 * io.capstan.kubelet.ingress.RouteTable} holds the matching rules as a pure function.
 */
@NullMarked
package io.capstan.kubelet.ingress;

import org.jspecify.annotations.NullMarked;
