package io.capstan.kubelet.node;

import io.capstan.proto.api.v1.Taint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a kubelet says about its node.
 *
 * @param name the Node's name
 * @param address the node's address: its InternalIP, pods' hostIP and podIP, where host ports are
 *     bound
 * @param labels added to the Node's labels (with kubernetes.io/hostname, os and arch)
 * @param taints set on the Node when it is registered
 * @param capacity cpu, memory and pods; allocatable is the same
 * @param kubeletEndpoint host:port of the kubelet's own gRPC port (logs, exec), or empty
 * @param dataDir the kubelet's data directory, whose free space is DiskPressure's measure
 * @param leaseDuration written in the Lease (40 s: the node lifecycle controller's grace)
 * @param renewInterval how often the Lease is renewed (10 s)
 * @param statusInterval how often conditions are recomputed; written when they change, and at
 *     least every {@code statusReport}
 * @param statusReport the longest time between two status writes (1 min)
 */
public record NodeConfig(
        String name,
        String address,
        Map<String, String> labels,
        List<Taint> taints,
        Map<String, String> capacity,
        String kubeletEndpoint,
        Path dataDir,
        Duration leaseDuration,
        Duration renewInterval,
        Duration statusInterval,
        Duration statusReport) {

    public NodeConfig withKubeletEndpoint(String endpoint) {
        return new NodeConfig(
                name,
                address,
                labels,
                taints,
                capacity,
                endpoint,
                dataDir,
                leaseDuration,
                renewInterval,
                statusInterval,
                statusReport);
    }

    public NodeConfig {
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
        capacity = Map.copyOf(capacity);
    }
}
