package io.capstan.kubelet.node;

import io.capstan.client.AlreadyExistsException;
import io.capstan.client.ApiException;
import io.capstan.client.ConflictException;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.LeaseSpec;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeAddress;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.NodeSystemInfo;
import io.capstan.proto.api.v1.ObjectMeta;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's side of its Node: registers it (labels and taints from the config, capacity,
 * addresses, system info, the kubelet's endpoint), renews its Lease in kube-node-lease every renew
 * interval, and reports the Ready, MemoryPressure and DiskPressure conditions: recomputed every
 * status interval, written when one changes and at least every status report period (as Kubernetes'
 * kubelet does since node leases exist). The node lifecycle controller reads both.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    public static final String LEASE_NAMESPACE = "kube-node-lease";

    private final ObjectClient client;
    private final NodeConfig config;
    private final String runtimeVersion;
    private final Clock clock;
    private final ScheduledExecutorService timers = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "node-agent");
        thread.setDaemon(true);
        return thread;
    });
    private volatile @Nullable Instant lastStatusWrite;

    public NodeAgent(ObjectClient client, NodeConfig config, String runtimeVersion, Clock clock) {
        this.client = client;
        this.config = config;
        this.runtimeVersion = runtimeVersion;
        this.clock = clock;
    }

    /** Registers the node (retrying until the API answers), then heartbeats in the background. */
    public void start() {
        register();
        renewLease();
        reportStatus();
        timers.scheduleWithFixedDelay(
                this::renewLease,
                config.renewInterval().toMillis(),
                config.renewInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(
                this::reportStatus,
                config.statusInterval().toMillis(),
                config.statusInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void register() {
        Node node = Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(config.name()).putAllLabels(labels()))
                .setSpec(io.capstan.proto.api.v1.NodeSpec.newBuilder().addAllTaints(config.taints()))
                .build();
        try {
            client.nodes().create(node);
            log.info("Registered node {}", config.name());
        } catch (AlreadyExistsException e) {
            for (int attempt = 0; attempt < 5; attempt++) {
                Node existing = client.nodes().get("", config.name());
                if (existing.getMetadata().getLabelsMap().entrySet().containsAll(labels().entrySet())) {
                    break;
                }
                try {
                    client.nodes()
                            .update(existing.toBuilder()
                                    .setMetadata(
                                            existing.getMetadata().toBuilder().putAllLabels(labels()))
                                    .build());
                    break;
                } catch (ConflictException conflict) {
                    // read again
                }
            }
            log.info("Node {} was registered before; taking it over", config.name());
        }
    }

    private Map<String, String> labels() {
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", config.name());
        labels.put("kubernetes.io/os", System.getProperty("os.name").toLowerCase(Locale.ROOT));
        labels.put("kubernetes.io/arch", arch());
        labels.putAll(config.labels());
        return labels;
    }

    void renewLease() {
        Instant now = clock.instant();
        try {
            Lease lease;
            try {
                lease = client.leases().get(LEASE_NAMESPACE, config.name());
            } catch (NotFoundException e) {
                client.leases()
                        .create(Lease.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder()
                                        .setNamespace(LEASE_NAMESPACE)
                                        .setName(config.name()))
                                .setSpec(leaseSpec(now))
                                .build());
                return;
            }
            client.leases().update(lease.toBuilder().setSpec(leaseSpec(now)).build());
        } catch (ApiException e) {
            log.warn("Node {}: lease not renewed: {}", config.name(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Node {}: lease not renewed", config.name(), e);
        }
    }

    private LeaseSpec leaseSpec(Instant now) {
        return LeaseSpec.newBuilder()
                .setHolderIdentity(config.name())
                .setLeaseDurationSeconds((int) config.leaseDuration().toSeconds())
                .setRenewTime(ProtoTimes.toTimestamp(now))
                .build();
    }

    void reportStatus() {
        Instant now = clock.instant();
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                Node node = client.nodes().get("", config.name());
                NodeStatus status = status(node.getStatus(), now);
                Instant last = lastStatusWrite;
                boolean due = last == null || !now.isBefore(last.plus(config.statusReport()));
                if (!due && sameExceptHeartbeats(node.getStatus(), status)) {
                    return;
                }
                try {
                    client.nodes()
                            .updateStatus(node.toBuilder().setStatus(status).build());
                    lastStatusWrite = now;
                    return;
                } catch (ConflictException e) {
                    // read again
                }
            }
        } catch (NotFoundException e) {
            log.warn("Node {} is gone; registering it again", config.name());
            register();
        } catch (ApiException e) {
            log.warn("Node {}: status not written: {}", config.name(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Node {}: status not written", config.name(), e);
        }
    }

    NodeStatus status(NodeStatus current, Instant now) {
        NodeStatus.Builder status = NodeStatus.newBuilder()
                .putAllCapacity(config.capacity())
                .putAllAllocatable(config.capacity())
                .addAddresses(NodeAddress.newBuilder()
                        .setType(NodeAddress.Type.TYPE_INTERNAL_IP)
                        .setAddress(config.address()))
                .addAddresses(NodeAddress.newBuilder()
                        .setType(NodeAddress.Type.TYPE_HOSTNAME)
                        .setAddress(config.name()))
                .setNodeInfo(NodeSystemInfo.newBuilder()
                        .setKernelVersion(System.getProperty("os.version"))
                        .setOsImage(System.getProperty("os.name"))
                        .setOperatingSystem(System.getProperty("os.name").toLowerCase(Locale.ROOT))
                        .setArchitecture(arch())
                        .setContainerRuntimeVersion(runtimeVersion)
                        .setKubeletVersion("capstan/" + version()))
                .setKubeletEndpoint(config.kubeletEndpoint());
        OptionalLong memory = HostResources.availableMemory();
        boolean memoryPressure = memory.isPresent() && memory.getAsLong() < HostResources.MEMORY_PRESSURE_BYTES;
        boolean diskPressure = HostResources.freeDiskFraction(config.dataDir()) < HostResources.DISK_PRESSURE_FRACTION;
        status.addConditions(condition(current, "Ready", true, "KubeletReady", "kubelet is posting ready status", now));
        status.addConditions(condition(
                current,
                "MemoryPressure",
                memoryPressure,
                memoryPressure ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
                memoryPressure
                        ? "kubelet has insufficient memory available"
                        : "kubelet has sufficient memory available",
                now));
        status.addConditions(condition(
                current,
                "DiskPressure",
                diskPressure,
                diskPressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
                diskPressure ? "kubelet has disk pressure" : "kubelet has no disk pressure",
                now));
        return status.build();
    }

    private static NodeCondition condition(
            NodeStatus current, String type, boolean value, String reason, String message, Instant now) {
        ConditionStatus status = value ? ConditionStatus.CONDITION_STATUS_TRUE : ConditionStatus.CONDITION_STATUS_FALSE;
        NodeCondition before = current.getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElse(null);
        NodeCondition.Builder c = NodeCondition.newBuilder()
                .setType(type)
                .setStatus(status)
                .setReason(reason)
                .setMessage(message)
                .setLastHeartbeatTime(ProtoTimes.wholeSeconds(now));
        if (before != null && before.getStatus() == status && before.hasLastTransitionTime()) {
            c.setLastTransitionTime(before.getLastTransitionTime());
        } else {
            c.setLastTransitionTime(ProtoTimes.wholeSeconds(now));
        }
        return c.build();
    }

    private static boolean sameExceptHeartbeats(NodeStatus a, NodeStatus b) {
        return strip(a).equals(strip(b));
    }

    private static NodeStatus strip(NodeStatus status) {
        NodeStatus.Builder b = status.toBuilder().clearConditions();
        List<NodeCondition> conditions = status.getConditionsList();
        for (NodeCondition c : conditions) {
            b.addConditions(c.toBuilder().clearLastHeartbeatTime());
        }
        return b.build();
    }

    private static String arch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    private static String version() {
        String version = NodeAgent.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Stops heartbeating (the Node and its Lease stay: the node lifecycle controller notices). */
    @Override
    public void close() {
        timers.shutdownNow();
    }

    /** For tests: how long after the last renewal the lease lapses. */
    Duration leaseDuration() {
        return config.leaseDuration();
    }
}
