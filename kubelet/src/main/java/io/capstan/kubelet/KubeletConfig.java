package io.capstan.kubelet;

import io.capstan.kubelet.dns.DnsConfig;
import io.capstan.kubelet.ingress.IngressConfig;
import io.capstan.kubelet.node.NodeConfig;
import io.capstan.kubelet.pod.PodTimings;
import io.capstan.kubelet.proxy.ProxyConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * @param node what the kubelet says about its node
 * @param rootDir the kubelet's data: {@code pods/<uid>} (volumes, process-runtime working
 *     directories) and the runtime's state
 * @param timings the pod workers' periods
 * @param proxy the service proxy's settings, or null to run no proxy on this node
 * @param server where the kubelet's logs-and-exec port listens (port 0: a free one), or null for
 *     none; its endpoint is recorded in the Node's status
 * @param dns the cluster DNS server's settings, or null to serve no DNS on this node
 * @param ingress the ingress proxy's settings, or null to run no ingress proxy on this node
 */
public record KubeletConfig(
        NodeConfig node,
        Path rootDir,
        PodTimings timings,
        @Nullable ProxyConfig proxy,
        @Nullable InetSocketAddress server,
        @Nullable DnsConfig dns,
        @Nullable IngressConfig ingress) {

    /** A kubelet without a service proxy, logs port or DNS (hollow nodes, tests of the pod lifecycle). */
    public KubeletConfig(NodeConfig node, Path rootDir, PodTimings timings) {
        this(node, rootDir, timings, null, null, null, null);
    }

    /** A kubelet without DNS. */
    public KubeletConfig(
            NodeConfig node,
            Path rootDir,
            PodTimings timings,
            @Nullable ProxyConfig proxy,
            @Nullable InetSocketAddress server) {
        this(node, rootDir, timings, proxy, server, null, null);
    }

    /** A kubelet without an ingress proxy. */
    public KubeletConfig(
            NodeConfig node,
            Path rootDir,
            PodTimings timings,
            @Nullable ProxyConfig proxy,
            @Nullable InetSocketAddress server,
            @Nullable DnsConfig dns) {
        this(node, rootDir, timings, proxy, server, dns, null);
    }

    public KubeletConfig withProxy(ProxyConfig config) {
        return new KubeletConfig(node, rootDir, timings, config, server, dns, ingress);
    }

    public KubeletConfig withServer(InetSocketAddress address) {
        return new KubeletConfig(node, rootDir, timings, proxy, address, dns, ingress);
    }

    public KubeletConfig withDns(DnsConfig config) {
        return new KubeletConfig(node, rootDir, timings, proxy, server, config, ingress);
    }

    public KubeletConfig withIngress(IngressConfig config) {
        return new KubeletConfig(node, rootDir, timings, proxy, server, dns, config);
    }

    KubeletConfig withNode(NodeConfig value) {
        return new KubeletConfig(value, rootDir, timings, proxy, server, dns, ingress);
    }

    public Path podsDir() {
        return rootDir.resolve("pods");
    }
}
