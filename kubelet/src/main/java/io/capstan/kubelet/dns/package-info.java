/**
 * Cluster DNS: each kubelet answers the names Kubernetes gives Services ({@code
 * <service>.<namespace>.svc.<domain>}, SRV records of named ports, headless services' endpoints)
 * from its informer caches, over UDP and TCP (Netty, SO_REUSEPORT), with dnsjava for the wire
 * format. {@link io.capstan.kubelet.dns.DnsServer} is the entry point and {@link
 * io.capstan.kubelet.dns.ClusterZone} the record logic.
 */
@NullMarked
package io.capstan.kubelet.dns;

import org.jspecify.annotations.NullMarked;
