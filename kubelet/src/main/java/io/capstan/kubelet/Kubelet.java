package io.capstan.kubelet;

import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.events.ApiEventRecorder;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Informer;
import io.capstan.client.scheduler.ThreadScheduler;
import io.capstan.kubelet.dns.DnsConfig;
import io.capstan.kubelet.dns.DnsServer;
import io.capstan.kubelet.dns.ServiceLookup;
import io.capstan.kubelet.ingress.IngressConfig;
import io.capstan.kubelet.ingress.IngressProxy;
import io.capstan.kubelet.node.NodeAgent;
import io.capstan.kubelet.pod.ConfigSource;
import io.capstan.kubelet.pod.EndpointsView;
import io.capstan.kubelet.pod.HealthChecks;
import io.capstan.kubelet.pod.PodWorkers;
import io.capstan.kubelet.probe.ActionProber;
import io.capstan.kubelet.probe.ProbeHealthChecks;
import io.capstan.kubelet.probe.ProbeManager;
import io.capstan.kubelet.proxy.ProxyConfig;
import io.capstan.kubelet.proxy.ServiceProxy;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.server.KubeletServer;
import io.capstan.kubelet.server.SecretKubeletClientToken;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node agent: registers and heartbeats its Node ({@link NodeAgent}), watches the pods bound to
 * it (a field selector on spec.nodeName: it never sees other nodes' pods) and hands each to its
 * pod worker ({@link PodWorkers}), with ConfigMaps, Secrets and Endpoints cached for the workers'
 * environment, volumes and graceful termination; Services too, for the containers' service
 * variables and for the node's cluster DNS ({@link DnsServer}), which answers from the same caches.
 * Its one Services informer and one Endpoints informer are shared with the node's {@link
 * ServiceProxy} and {@link IngressProxy}, which add their handlers to them; the kubelet starts and
 * closes them.
 */
public final class Kubelet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Kubelet.class);
    private static final Duration INFORMER_RESYNC = Duration.ofMinutes(5);

    private final KubeletConfig config;
    private final ContainerRuntime runtime;
    private final NodeAgent node;
    private final PodWorkers workers;
    private final ApiEventRecorder events;
    private final List<Informer<?>> informers = new ArrayList<>();
    // shared with the service proxy and the ingress proxy, as client-go's shared informer factory
    private final Informer<Service> services;
    private final Informer<Endpoints> endpoints;
    private static final int PROBE_THREADS = 8;
    private @Nullable ExecutorService probeExecutor;
    private @Nullable ThreadScheduler probeScheduler;
    private @Nullable ProbeManager probes;
    private @Nullable ServiceProxy proxy;
    private @Nullable DnsServer dns;
    private final ServiceLookup serviceLookup;
    private @Nullable IngressProxy ingress;
    private @Nullable KubeletServer server;
    private @Nullable SecretKubeletClientToken serverToken;

    private Kubelet(
            ObjectClient client,
            KubeletConfig config,
            ContainerRuntime runtime,
            @Nullable HealthChecks checks,
            Clock clock) {
        this.config = config;
        this.runtime = runtime;
        String nodeName = config.node().name();
        this.node = new NodeAgent(client, config.node(), runtime.version(), clock);
        this.events = new ApiEventRecorder(client.events(), "kubelet", nodeName, clock);
        HealthChecks health = checks;
        if (health == null) {
            this.probeExecutor = ProbeManager.newExecutor(PROBE_THREADS);
            this.probeScheduler = new ThreadScheduler("probe-timer");
            this.probes = new ProbeManager(new ActionProber(runtime), probeScheduler, probeExecutor);
            health = new ProbeHealthChecks(probes, events, config.node().address());
        }
        Informer<ConfigMap> configMaps = Informer.create(client.configMaps(), ListOptions.all(), INFORMER_RESYNC);
        Informer<Secret> secrets = Informer.create(client.secrets(), ListOptions.all(), INFORMER_RESYNC);
        // Endpoints are never resynced: no consumer needs it (the pod workers' handler ignores resyncs).
        // Services are resynced only for the service proxy, which retries failed binds then; nothing
        // else handles their events.
        Informer<Endpoints> endpoints = Informer.create(client.endpoints(), ListOptions.all(), Duration.ZERO);
        ProxyConfig proxyConfig = config.proxy();
        Duration servicesResync = proxyConfig == null ? INFORMER_RESYNC : proxyConfig.resyncPeriod();
        Informer<Service> services = Informer.create(client.services(), ListOptions.all(), servicesResync);
        this.services = services;
        this.endpoints = endpoints;
        this.serviceLookup = ServiceLookup.of(services.indexer(), endpoints.indexer());
        Informer<Pod> pods = Informer.create(
                client.pods(), ListOptions.all().withFieldSelector("spec.nodeName=" + nodeName), INFORMER_RESYNC);
        ConfigSource configSource = new ConfigSource() {
            @Override
            public Optional<ConfigMap> configMap(String namespace, String name) {
                return configMaps.indexer().get(namespace, name);
            }

            @Override
            public Optional<Secret> secret(String namespace, String name) {
                return secrets.indexer().get(namespace, name);
            }

            @Override
            public List<Service> services(String namespace) {
                return services.indexer().list(namespace);
            }
        };
        EndpointsView endpointsView = (namespace, hostIp, hostPorts) -> listed(endpoints, namespace, hostIp, hostPorts);
        this.workers = new PodWorkers(
                nodeName,
                config.node().address(),
                config.podsDir(),
                runtime,
                client.pods(),
                configSource,
                endpointsView,
                events,
                health,
                config.timings(),
                clock);
        EventHandler<Object> anyChange = new EventHandler<>() {
            @Override
            public void onAdd(Object object) {
                workers.requestAll();
            }

            @Override
            public void onUpdate(Object oldObject, Object newObject) {
                if (oldObject != newObject) {
                    workers.requestAll();
                }
            }

            @Override
            public void onDelete(Object object) {
                workers.requestAll();
            }
        };
        configMaps.addHandler(adapt(anyChange));
        secrets.addHandler(adapt(anyChange));
        endpoints.addHandler(adapt(anyChange));
        pods.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                workers.podChanged(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                workers.podChanged(newPod);
            }

            @Override
            public void onDelete(Pod pod) {
                workers.podDeleted(pod);
            }
        });
        informers.add(configMaps);
        informers.add(secrets);
        informers.add(endpoints);
        informers.add(services);
        informers.add(pods);
    }

    @SuppressWarnings("unchecked")
    private static <T> EventHandler<T> adapt(EventHandler<Object> handler) {
        return (EventHandler<T>) (EventHandler<?>) handler;
    }

    /** Starts a kubelet whose containers are probed as their specs say. */
    public static Kubelet start(ObjectClient client, KubeletConfig config, ContainerRuntime runtime, Clock clock)
            throws InterruptedException {
        return start(client, config, runtime, null, clock);
    }

    /**
     * Registers the node, starts the informers and, once they have listed, the pod workers' removal
     * of containers no pod owns.
     */
    public static Kubelet start(
            ObjectClient client,
            KubeletConfig config,
            ContainerRuntime runtime,
            @Nullable HealthChecks health,
            Clock clock)
            throws InterruptedException {
        try {
            Files.createDirectories(config.podsDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InetSocketAddress serverAddress = config.server();
        SecretKubeletClientToken token = null;
        KubeletServer server = null;
        if (serverAddress != null) {
            token = SecretKubeletClientToken.withDefaults(client, clock).start();
            server = new KubeletServer(runtime, token, serverAddress.getHostString(), serverAddress.getPort(), clock);
            try {
                server.start();
            } catch (IOException e) {
                token.close();
                throw new UncheckedIOException("cannot listen on " + serverAddress + " for logs and exec", e);
            }
            config = config.withNode(config.node()
                    .withKubeletEndpoint(
                            advertisedEndpoint(server.endpoint(), config.node().address())));
        }
        Kubelet kubelet = new Kubelet(client, config, runtime, health, clock);
        kubelet.server = server;
        kubelet.serverToken = token;
        kubelet.node.start();
        for (Informer<?> informer : kubelet.informers) {
            informer.start();
        }
        for (Informer<?> informer : kubelet.informers) {
            while (!informer.awaitSynced(Duration.ofSeconds(10))) {
                log.info("Waiting for the {} informer to list", informer.kind());
            }
        }
        kubelet.workers.markSynced();
        ProxyConfig proxyConfig = config.proxy();
        if (proxyConfig != null) {
            kubelet.proxy = ServiceProxy.start(kubelet.services, kubelet.endpoints, proxyConfig, kubelet.events);
        }
        DnsConfig dnsConfig = config.dns();
        if (dnsConfig != null) {
            try {
                kubelet.dns = DnsServer.start(dnsConfig, kubelet.serviceLookup);
            } catch (UncheckedIOException e) {
                // the node's pods run regardless; its names are served by the other kubelets of the
                // host (SO_REUSEPORT) or by none
                log.error("Cluster DNS not served on {}: {}", dnsConfig.address(), e.getMessage());
            }
        }
        IngressConfig ingressConfig = config.ingress();
        if (ingressConfig != null) {
            try {
                kubelet.ingress = IngressProxy.start(
                        client, ingressConfig, config.node().address(), kubelet.services, kubelet.endpoints);
            } catch (UncheckedIOException e) {
                // the node's pods run regardless; the port may be held by a socket without SO_REUSEPORT
                log.warn("No ingress proxy on this node: {}", e.getMessage());
            }
        }
        log.info(
                "Kubelet of node {} runs ({} runtime, address {})",
                config.node().name(),
                runtime.name(),
                config.node().address());
        return kubelet;
    }

    public String nodeName() {
        return config.node().name();
    }

    /** The kubelet's logs-and-exec endpoint (host:port), or null when it serves none. */
    public @Nullable String serverEndpoint() {
        return server == null ? null : server.endpoint();
    }

    /** The node's service proxy, or null when it runs none. */
    public @Nullable ServiceProxy proxy() {
        return proxy;
    }

    /** The node's DNS server, or null when it runs none (none configured, or its port unbound). */
    public @Nullable DnsServer dns() {
        return dns;
    }

    /** The node's ingress proxy, or null when it runs none. */
    public @Nullable IngressProxy ingress() {
        return ingress;
    }

    public ContainerRuntime runtime() {
        return runtime;
    }

    /** The uids of the pods this kubelet works on. */
    public Set<String> podUids() {
        return workers.podUids();
    }

    /**
     * The kubelet endpoint the Node records, where the API servers dial for logs and exec: the bound
     * {@code endpoint}, or the node's address with its port when the port binds every address
     * (--kubelet-address 0.0.0.0), which no other host could dial.
     */
    static String advertisedEndpoint(String endpoint, String nodeAddress) {
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon);
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!bare.equals("0.0.0.0") && !bare.equals("::") && !bare.equals("0:0:0:0:0:0:0:0")) {
            return endpoint;
        }
        return (nodeAddress.contains(":") ? "[" + nodeAddress + "]" : nodeAddress) + endpoint.substring(colon);
    }

    private static boolean listed(Informer<Endpoints> endpoints, String namespace, String hostIp, Set<Integer> ports) {
        for (Endpoints e : endpoints.indexer().list(namespace)) {
            for (EndpointSubset subset : e.getSubsetsList()) {
                boolean addressed = false;
                for (EndpointAddress address : subset.getAddressesList()) {
                    addressed |= address.getIp().equals(hostIp);
                }
                if (!addressed) {
                    continue;
                }
                for (EndpointPort port : subset.getPortsList()) {
                    if (ports.contains(port.getPort())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Stops watching and heartbeating; containers keep running (a restarted kubelet adopts them),
     * as when the process is killed.
     */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (serverToken != null) {
            serverToken.close();
        }
        if (ingress != null) {
            ingress.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (dns != null) {
            dns.close();
        }
        node.close();
        for (Informer<?> informer : informers) {
            informer.close();
        }
        workers.close();
        if (probes != null) {
            probes.close();
        }
        if (probeScheduler != null) {
            probeScheduler.close();
        }
        if (probeExecutor != null) {
            probeExecutor.shutdownNow();
        }
        events.close();
    }
}
