package io.capstan.apiserver.service;

import com.google.protobuf.ByteString;
import io.capstan.apiserver.registry.FieldError;
import io.capstan.apiserver.registry.ValidationException;
import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.TxnGuard;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.DeleteRangeRequest;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Gives Services their ClusterIP and NodePorts, unique across the cluster. Each allocated value is
 * a key of its own ({@code /registry/allocations/serviceips/<ip>}, {@code
 * /registry/allocations/nodeports/<port>}, value: the owning service), claimed in the same store
 * transaction that writes the Service with a compare that the key does not exist yet, and removed in
 * the transaction that deletes it. Two servers allocating at once can therefore never hand out one
 * value twice: the loser's transaction fails its guard and the caller retries with a fresh choice.
 *
 * <p>A ClusterIP comes from a loopback range (127.77.0.0/16 by default) so every node's service
 * proxy can serve it on the host itself; the range's first and last addresses are never handed out.
 * NodePorts come from 30000-32767 by default and skip the ports the control plane listens on.
 */
final class ServiceAllocator {
    static final String IP_PREFIX = "/registry/allocations/serviceips/";
    static final String PORT_PREFIX = "/registry/allocations/nodeports/";

    private final KvStore kv;
    private final Ipv4Range ipRange;
    private final PortRange portRange;
    private final Set<Integer> reservedPorts;
    private final Duration timeout;

    ServiceAllocator(KvStore kv, Ipv4Range ipRange, PortRange portRange, Set<Integer> reservedPorts, Duration timeout) {
        this.kv = kv;
        this.ipRange = ipRange;
        this.portRange = portRange;
        this.reservedPorts = Set.copyOf(reservedPorts);
        this.timeout = timeout;
    }

    /** A service with its values filled in, and the guard that claims and releases them. */
    record Allocation(Service service, TxnGuard guard) {}

    /**
     * Fills in what {@code service} leaves to the server and checks what it asks for. {@code old} is
     * the stored service on an update (null on create): what it already holds stays its own, and what
     * it gives up is released. An update leaving clusterIP or a nodePort empty keeps the old value, as
     * re-applying a manifest that never named them must.
     */
    Allocation allocate(Service service, @Nullable Service old) {
        String owner = service.getMetadata().getNamespace() + "/"
                + service.getMetadata().getName();
        ServiceSpec.Builder spec = service.getSpec().toBuilder();
        List<Compare> compares = new ArrayList<>();
        List<RequestOp> ops = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();

        String oldIp = old == null ? "" : old.getSpec().getClusterIp();
        if (spec.getClusterIp().isEmpty() && !oldIp.isEmpty()) {
            spec.setClusterIp(oldIp);
        }
        String ip = spec.getClusterIp();
        if (ip.isEmpty()) {
            spec.setClusterIp(freeIp());
            claim(IP_PREFIX + spec.getClusterIp(), owner, compares, ops);
        } else if (!ip.equals("None") && !ip.equals(oldIp)) {
            if (!ipRange.contains(ip)) {
                errors.add(new FieldError(
                        "spec.clusterIP", ip + " is not in the service range " + ipRange + " or is reserved"));
            } else if (isTaken(IP_PREFIX + ip)) {
                errors.add(new FieldError("spec.clusterIP", ip + " is already allocated"));
            } else {
                claim(IP_PREFIX + ip, owner, compares, ops);
            }
        }
        if (!oldIp.isEmpty() && !oldIp.equals("None") && !oldIp.equals(spec.getClusterIp())) {
            release(IP_PREFIX + oldIp, ops);
        }
        if (ip.equals("None") && spec.getType() == ServiceSpec.Type.TYPE_NODE_PORT) {
            errors.add(new FieldError("spec.clusterIP", "may not be None when type is NodePort"));
        }

        Set<Integer> oldPorts = new HashSet<>();
        if (old != null) {
            for (ServicePort port : old.getSpec().getPortsList()) {
                if (port.getNodePort() != 0) {
                    oldPorts.add(port.getNodePort());
                }
            }
        }
        Set<Integer> kept = new HashSet<>();
        Set<Integer> chosen = new HashSet<>();
        boolean nodePortType = spec.getType() == ServiceSpec.Type.TYPE_NODE_PORT;
        for (int i = 0; i < spec.getPortsCount(); i++) {
            ServicePort.Builder port = spec.getPortsBuilder(i);
            String path = "spec.ports[" + i + "].nodePort";
            if (!nodePortType) {
                if (port.getNodePort() != 0) {
                    errors.add(new FieldError(path, "may not be set when type is ClusterIP"));
                }
                continue;
            }
            int requested = port.getNodePort();
            if (requested == 0 && old != null) {
                requested = previousNodePort(old, port);
            }
            if (requested == 0) {
                int free = freePort(chosen);
                port.setNodePort(free);
                chosen.add(free);
                claim(PORT_PREFIX + free, owner, compares, ops);
            } else if (!chosen.add(requested)) {
                errors.add(new FieldError(path, requested + " is used twice in this service"));
            } else if (oldPorts.contains(requested)) {
                port.setNodePort(requested);
                kept.add(requested);
            } else if (!portRange.contains(requested) || reservedPorts.contains(requested)) {
                errors.add(new FieldError(
                        path, requested + " is not in the node port range " + portRange + " or is reserved"));
            } else if (isTaken(PORT_PREFIX + requested)) {
                errors.add(new FieldError(path, requested + " is already allocated"));
            } else {
                port.setNodePort(requested);
                claim(PORT_PREFIX + requested, owner, compares, ops);
            }
        }
        for (int port : oldPorts) {
            if (!kept.contains(port)) {
                release(PORT_PREFIX + port, ops);
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return new Allocation(service.toBuilder().setSpec(spec).build(), new TxnGuard(compares, ops, 0));
    }

    /**
     * {@code updated} with the clusterIP and node ports of {@code old} where it leaves them empty, as
     * an update or re-applied manifest that never named them means to keep them.
     */
    static Service carryOver(Service updated, Service old) {
        ServiceSpec.Builder spec = updated.getSpec().toBuilder();
        if (spec.getClusterIp().isEmpty()) {
            spec.setClusterIp(old.getSpec().getClusterIp());
        }
        if (spec.getType() == ServiceSpec.Type.TYPE_NODE_PORT) {
            for (ServicePort.Builder port : spec.getPortsBuilderList()) {
                if (port.getNodePort() == 0) {
                    port.setNodePort(previousNodePort(old, port));
                }
            }
        }
        return updated.toBuilder().setSpec(spec).build();
    }

    /** The guard that frees what {@code service} holds, for the transaction that deletes it. */
    static TxnGuard releaseAll(Service service) {
        List<RequestOp> ops = new ArrayList<>();
        String ip = service.getSpec().getClusterIp();
        if (!ip.isEmpty() && !ip.equals("None")) {
            release(IP_PREFIX + ip, ops);
        }
        for (ServicePort port : service.getSpec().getPortsList()) {
            if (port.getNodePort() != 0) {
                release(PORT_PREFIX + port.getNodePort(), ops);
            }
        }
        return new TxnGuard(List.of(), ops, 0);
    }

    /** The node port the old service gave the port of the same name (or number, if unnamed). */
    private static int previousNodePort(Service old, ServicePort.Builder port) {
        for (ServicePort candidate : old.getSpec().getPortsList()) {
            boolean same = port.getName().isEmpty()
                    ? candidate.getPort() == port.getPort()
                    : candidate.getName().equals(port.getName());
            if (same) {
                return candidate.getNodePort();
            }
        }
        return 0;
    }

    private String freeIp() {
        Set<String> taken = takenUnder(IP_PREFIX);
        long size = ipRange.usableSize();
        long start = ThreadLocalRandom.current().nextLong(size);
        for (long i = 0; i < size; i++) {
            String candidate = ipRange.usable((start + i) % size);
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
        throw new ExhaustedException("spec.clusterIP: no free address left in the service range " + ipRange);
    }

    private int freePort(Set<Integer> alsoTaken) {
        Set<String> taken = takenUnder(PORT_PREFIX);
        int size = portRange.size();
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int candidate = portRange.first() + (start + i) % size;
            if (!taken.contains(Integer.toString(candidate))
                    && !alsoTaken.contains(candidate)
                    && !reservedPorts.contains(candidate)) {
                return candidate;
            }
        }
        throw new ExhaustedException("spec.ports: no free node port left in the range " + portRange);
    }

    private Set<String> takenUnder(String prefix) {
        ByteString start = ByteString.copyFromUtf8(prefix);
        byte[] end = start.toByteArray();
        end[end.length - 1]++;
        List<KeyValue> kvs = Futures.await(
                        kv.range(RangeRequest.newBuilder()
                                .setKey(start)
                                .setRangeEnd(ByteString.copyFrom(end))
                                .setKeysOnly(true)
                                .build()),
                        timeout)
                .getKvsList();
        Set<String> taken = new HashSet<>();
        for (KeyValue entry : kvs) {
            taken.add(entry.getKey().toStringUtf8().substring(prefix.length()));
        }
        return taken;
    }

    private boolean isTaken(String key) {
        return Futures.await(
                                kv.range(RangeRequest.newBuilder()
                                        .setKey(ByteString.copyFromUtf8(key))
                                        .setCountOnly(true)
                                        .build()),
                                timeout)
                        .getCount()
                > 0;
    }

    private static void claim(String key, String owner, List<Compare> compares, List<RequestOp> ops) {
        ByteString k = ByteString.copyFromUtf8(key);
        compares.add(Compare.newBuilder()
                .setKey(k)
                .setTarget(Compare.CompareTarget.CREATE)
                .setResult(Compare.CompareResult.EQUAL)
                .setCreateRevision(0)
                .build());
        ops.add(RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder().setKey(k).setValue(ByteString.copyFromUtf8(owner)))
                .build());
    }

    private static void release(String key, List<RequestOp> ops) {
        ops.add(RequestOp.newBuilder()
                .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)))
                .build());
    }

    /** Every value of a range is in use. */
    static final class ExhaustedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExhaustedException(String message) {
            super(message);
        }
    }
}
