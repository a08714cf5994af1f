package io.capstan.kubelet.dns;

import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The records of the cluster domain, as Kubernetes' DNS specification and CoreDNS's kubernetes
 * plugin give them, computed from a {@link ServiceLookup} for each question: a pure function of the
 * lookup's state and the question. With domain {@code cluster.local}:
 *
 * <pre>
 * web.default.svc.cluster.local.              A    127.77.0.12          the ClusterIP
 * _http._tcp.web.default.svc.cluster.local.   SRV  0 100 80 web.default.svc.cluster.local.
 *                                                  (+ its A in the additional section)
 * db.default.svc.cluster.local.               A    every ready endpoint address (headless: clusterIP None)
 * _pg._tcp.db.default.svc.cluster.local.      SRV  0 50 31001 db-0.db.default.svc.cluster.local.
 *                                                  one per ready endpoint, with the endpoint's (host) port
 * db-0.db.default.svc.cluster.local.          A    that endpoint's address
 * cluster.local. svc.cluster.local. default.svc.cluster.local. _tcp.web.default.svc.cluster.local.
 *                                             NOERROR, no answer (NODATA): names that exist
 * anything else under cluster.local.          NXDOMAIN
 * </pre>
 *
 * <p>An endpoint's name is its {@code hostname} when set, else the name of the pod it refers to,
 * else its address with dashes ({@code 127-0-0-1}). Kubernetes falls back to the address directly,
 * but on Capstan the endpoints of one node share the node's address, so the pod name keeps them
 * apart. Negative answers carry the zone's SOA in the authority section, for negative caching.
 * Every answer has AA set. AAAA and other types for a name that exists get NODATA.
 */
final class ClusterZone {
    private static final String HEADLESS = "None";
    private static final int SRV_PRIORITY = 0;
    private static final int SOA_REFRESH = 7200;
    private static final int SOA_RETRY = 1800;
    private static final int SOA_EXPIRE = 86400;

    private final Name origin;
    private final long ttlSeconds;
    private final SOARecord soa;

    ClusterZone(String domain, Duration ttl) {
        try {
            this.origin = Name.fromString(domain, Name.root);
            this.ttlSeconds = ttl.getSeconds();
            this.soa = new SOARecord(
                    origin,
                    DClass.IN,
                    ttlSeconds,
                    Name.fromString("ns.dns", origin),
                    Name.fromString("hostmaster", origin),
                    1,
                    SOA_REFRESH,
                    SOA_RETRY,
                    SOA_EXPIRE,
                    ttlSeconds);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("clusterDomain: not a domain name: \"" + domain + "\"", e);
        }
    }

    Name origin() {
        return origin;
    }

    /** Whether {@code name} is the zone's apex or below it. */
    boolean contains(Name name) {
        return name.subdomain(origin);
    }

    /**
     * The answer to {@code query}, whose one question's name is in this zone ({@link #contains}):
     * the id, opcode, RD and question copied, QR and AA set.
     */
    Message answer(Message query, ServiceLookup lookup) {
        Record question = query.getQuestion();
        Message response = Responses.replyTo(query);
        response.getHeader().setFlag(Flags.AA);
        Result result = resolve(question.getName(), question.getType(), lookup);
        if (!result.exists) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        for (Record record : result.answers) {
            response.addRecord(record, Section.ANSWER);
        }
        for (Record record : result.additional) {
            response.addRecord(record, Section.ADDITIONAL);
        }
        if (result.answers.isEmpty()) {
            response.addRecord(soa, Section.AUTHORITY);
        }
        return response;
    }

    /** What a name has: whether it exists, and its records of the type asked for. */
    private static final class Result {
        final boolean exists;
        final Set<Record> answers = new LinkedHashSet<>();
        final Set<Record> additional = new LinkedHashSet<>();

        Result(boolean exists) {
            this.exists = exists;
        }

        static Result nxdomain() {
            return new Result(false);
        }

        static Result nodata() {
            return new Result(true);
        }
    }

    private Result resolve(Name qname, int type, ServiceLookup lookup) {
        List<String> labels = relativeLabels(qname);
        int n = labels.size();
        if (n == 0) {
            Result apex = Result.nodata();
            if (type == Type.SOA || type == Type.ANY) {
                apex.answers.add(soa);
            }
            return apex;
        }
        if (!labels.get(n - 1).equals("svc")) {
            return Result.nxdomain();
        }
        if (n == 1) {
            return Result.nodata();
        }
        String namespace = labels.get(n - 2);
        if (n == 2) {
            return lookup.hasServices(namespace) ? Result.nodata() : Result.nxdomain();
        }
        Optional<Service> found = lookup.service(namespace, labels.get(n - 3));
        if (found.isEmpty() || n > 5) {
            return Result.nxdomain();
        }
        Service service = found.get();
        Name serviceName = serviceName(service);
        boolean headless = HEADLESS.equals(service.getSpec().getClusterIp());
        Endpoints endpoints = headless
                ? lookup.endpoints(namespace, service.getMetadata().getName()).orElse(Endpoints.getDefaultInstance())
                : Endpoints.getDefaultInstance();
        if (n == 3) {
            Result result = Result.nodata();
            if (wantsA(type)) {
                if (headless) {
                    for (Ready ready : ready(endpoints)) {
                        addA(result.answers, serviceName, ready.address().getIp());
                    }
                } else {
                    addA(result.answers, serviceName, service.getSpec().getClusterIp());
                }
            }
            return result;
        }
        String first = labels.get(0);
        if (n == 4) {
            if (first.startsWith("_")) {
                return hasPortOfProtocol(service, first) ? Result.nodata() : Result.nxdomain();
            }
            if (!headless) {
                return Result.nxdomain();
            }
            Result result = Result.nxdomain();
            for (Ready ready : ready(endpoints)) {
                if (endpointLabel(ready.address()).equals(first)) {
                    result = result.exists ? result : Result.nodata();
                    if (wantsA(type)) {
                        addA(result.answers, qname, ready.address().getIp());
                    }
                }
            }
            return result;
        }
        String protocolLabel = labels.get(1);
        Optional<ServicePort> port = service.getSpec().getPortsList().stream()
                .filter(p -> !p.getName().isEmpty()
                        && ("_" + p.getName().toLowerCase(Locale.ROOT)).equals(first)
                        && protocolLabel(p.getProtocol()).equals(protocolLabel))
                .findFirst();
        if (port.isEmpty()) {
            return Result.nxdomain();
        }
        Result result = Result.nodata();
        if (type != Type.SRV && type != Type.ANY) {
            return result;
        }
        if (!headless) {
            result.answers.add(new SRVRecord(
                    qname, DClass.IN, ttlSeconds, SRV_PRIORITY, 100, port.get().getPort(), serviceName));
            addA(result.additional, serviceName, service.getSpec().getClusterIp());
            return result;
        }
        List<SRVRecord> records = new ArrayList<>();
        List<Record> targets = new ArrayList<>();
        for (Ready ready : ready(endpoints)) {
            for (EndpointPort endpointPort : ready.ports()) {
                if (!endpointPort.getName().equals(port.get().getName())
                        || !protocolLabel(endpointPort.getProtocol()).equals(protocolLabel)) {
                    continue;
                }
                Optional<Name> target = child(endpointLabel(ready.address()), serviceName);
                if (target.isEmpty()) {
                    continue;
                }
                records.add(new SRVRecord(
                        qname, DClass.IN, ttlSeconds, SRV_PRIORITY, 0, endpointPort.getPort(), target.get()));
                addA(targets, target.get(), ready.address().getIp());
            }
        }
        int weight = records.isEmpty() ? 0 : Math.max(1, 100 / records.size());
        for (SRVRecord record : records) {
            result.answers.add(new SRVRecord(
                    qname, DClass.IN, ttlSeconds, SRV_PRIORITY, weight, record.getPort(), record.getTarget()));
        }
        result.additional.addAll(targets);
        return result;
    }

    /** A ready endpoint address with the ports of its subset. */
    private record Ready(EndpointAddress address, List<EndpointPort> ports) {}

    private static List<Ready> ready(Endpoints endpoints) {
        List<Ready> ready = new ArrayList<>();
        for (EndpointSubset subset : endpoints.getSubsetsList()) {
            for (EndpointAddress address : subset.getAddressesList()) {
                ready.add(new Ready(address, subset.getPortsList()));
            }
        }
        return ready;
    }

    /** The label an endpoint is known by under its service's name (see the class comment). */
    static String endpointLabel(EndpointAddress address) {
        String label;
        if (!address.getHostname().isEmpty()) {
            label = address.getHostname();
        } else if (address.getTargetRef().getKind().equals("Pod")
                && !address.getTargetRef().getName().isEmpty()) {
            label = address.getTargetRef().getName();
        } else {
            label = address.getIp();
        }
        return label.replace('.', '-').replace(':', '-').toLowerCase(Locale.ROOT);
    }

    private static boolean wantsA(int type) {
        return type == Type.A || type == Type.ANY;
    }

    private static boolean hasPortOfProtocol(Service service, String protocolLabel) {
        for (ServicePort port : service.getSpec().getPortsList()) {
            if (!port.getName().isEmpty() && protocolLabel(port.getProtocol()).equals(protocolLabel)) {
                return true;
            }
        }
        return false;
    }

    private static String protocolLabel(Protocol protocol) {
        return switch (protocol) {
            case PROTOCOL_UDP -> "_udp";
            case PROTOCOL_SCTP -> "_sctp";
            case PROTOCOL_TCP, PROTOCOL_UNSPECIFIED, UNRECOGNIZED -> "_tcp";
        };
    }

    private void addA(java.util.Collection<Record> records, Name name, String ip) {
        InetAddress address;
        try {
            address = Address.getByAddress(ip, Address.IPv4);
        } catch (UnknownHostException e) {
            return; // unallocated, or not IPv4: Capstan's addresses are all IPv4
        }
        records.add(new ARecord(name, DClass.IN, ttlSeconds, address));
    }

    private Name serviceName(Service service) {
        String text =
                service.getMetadata().getName() + "." + service.getMetadata().getNamespace() + ".svc";
        try {
            return Name.fromString(text.toLowerCase(Locale.ROOT), origin);
        } catch (TextParseException e) {
            // found by a lookup of labels of a parsed name, so it parses
            throw new IllegalStateException("service name " + text + " does not parse", e);
        }
    }

    private static Optional<Name> child(String label, Name parent) {
        try {
            return Optional.of(Name.fromString(label, parent));
        } catch (TextParseException e) {
            return Optional.empty(); // a label too long or with characters a name cannot carry
        }
    }

    /** The labels of {@code name} below the origin, leftmost first, in lower case. */
    private List<String> relativeLabels(Name name) {
        int count = name.labels() - origin.labels();
        List<String> labels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            labels.add(name.getLabelString(i).toLowerCase(Locale.ROOT));
        }
        return labels;
    }
}
