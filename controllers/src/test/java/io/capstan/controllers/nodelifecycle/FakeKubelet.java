package io.capstan.controllers.nodelifecycle;

import io.capstan.client.AlreadyExistsException;
import io.capstan.client.ApiException;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.LeaseSpec;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeAddress;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Protocol;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A kubelet reduced to what the node lifecycle controller sees of one: it registers its Node (Ready
 * True), renews its Lease while running, posts Ready True again when it comes back, and sets the
 * status of the pods it is told to run (Running, Ready, hostIP, host ports).
 */
final class FakeKubelet implements AutoCloseable {
    private final ObjectClient api;
    private final String nodeName;
    private final String address;
    private final ScheduledExecutorService timer;
    private @Nullable ScheduledFuture<?> renewing;

    FakeKubelet(ObjectClient api, String nodeName, String address) {
        this.api = api;
        this.nodeName = nodeName;
        this.address = address;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fake-kubelet-" + nodeName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Registers the node, Ready, and renews its Lease every {@code period} until {@link #stop()}. */
    synchronized void start(Duration period) {
        postReady();
        renewing = timer.scheduleAtFixedRate(this::renew, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops renewing: to the control plane the node is lost. */
    synchronized void stop() {
        if (renewing != null) {
            renewing.cancel(false);
            renewing = null;
        }
    }

    /** Runs {@code pod} on this node: Running and Ready, reached at this node's address. */
    Pod run(Pod pod) {
        Pod current = api.pods()
                .get(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        return api.pods()
                .updateStatus(current.toBuilder()
                        .setStatus(PodStatus.newBuilder()
                                .setPhase(PodStatus.Phase.PHASE_RUNNING)
                                .setHostIp(address)
                                .setPodIp(address)
                                .addConditions(Condition.newBuilder()
                                        .setType("Ready")
                                        .setStatus(ConditionStatus.CONDITION_STATUS_TRUE))
                                .addHostPorts(HostPortBinding.newBuilder()
                                        .setContainerName("main")
                                        .setContainerPort(8080)
                                        .setProtocol(Protocol.PROTOCOL_TCP)
                                        .setHostIp(address)
                                        .setHostPort(30000
                                                + Math.floorMod(
                                                        current.getMetadata()
                                                                .getName()
                                                                .hashCode(),
                                                        1000))))
                        .build());
    }

    private void postReady() {
        Instant now = Instant.now();
        NodeStatus status = NodeStatus.newBuilder()
                .addConditions(NodeCondition.newBuilder()
                        .setType("Ready")
                        .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                        .setReason("KubeletReady")
                        .setMessage("kubelet is posting ready status")
                        .setLastHeartbeatTime(Times.timestamp(now))
                        .setLastTransitionTime(Times.timestamp(now)))
                .addAddresses(NodeAddress.newBuilder()
                        .setType(NodeAddress.Type.TYPE_INTERNAL_IP)
                        .setAddress(address))
                .putCapacity("pods", "110")
                .build();
        try {
            api.nodes()
                    .create(Node.newBuilder()
                            .setMetadata(ObjectMeta.newBuilder().setName(nodeName))
                            .setStatus(status)
                            .build());
        } catch (AlreadyExistsException e) {
            Node node = api.nodes().get("", nodeName);
            api.nodes().updateStatus(node.toBuilder().setStatus(status).build());
        }
    }

    private void renew() {
        LeaseSpec spec = LeaseSpec.newBuilder()
                .setHolderIdentity(nodeName)
                .setLeaseDurationSeconds(40)
                .setRenewTime(Times.timestamp(Instant.now()))
                .build();
        try {
            try {
                Lease lease = api.leases().get(NodeLifecycleController.LEASE_NAMESPACE, nodeName);
                api.leases().update(lease.toBuilder().setSpec(spec).build());
            } catch (io.capstan.client.NotFoundException e) {
                api.leases()
                        .create(Lease.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder()
                                        .setNamespace(NodeLifecycleController.LEASE_NAMESPACE)
                                        .setName(nodeName))
                                .setSpec(spec)
                                .build());
            }
        } catch (ApiException e) {
            // the next renewal tries again, as a kubelet does
        }
    }

    @Override
    public void close() {
        stop();
        timer.shutdownNow();
    }
}
