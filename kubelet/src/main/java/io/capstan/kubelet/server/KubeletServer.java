package io.capstan.kubelet.server;

import io.capstan.kubelet.runtime.ContainerRuntime;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's own gRPC port: {@code capstan.kubelet.v1.KubeletService} (a container's logs, and
 * exec in a running container) over a {@link ContainerRuntime}. Only the API servers call it, and
 * they relay {@code capstan.api.v1.PodStreamService} to it; the kubelet records {@link #endpoint()}
 * in its Node's {@code status.kubeletEndpoint} so they find it.
 *
 * <p><b>Authentication.</b> Every call must carry {@code authorization: Bearer <token>} with the
 * token of {@link KubeletClientToken}: in a cluster, {@link SecretKubeletClientToken}, which reads
 * the Secret {@code kube-system/capstan-kubelet-client} that the API servers create. The token is
 * compared in constant time; any other call is refused UNAUTHENTICATED. This works across hosts
 * because the token lives in the store that all API servers share, and each kubelet reads it with
 * its own API credentials; no file needs copying. The port speaks plaintext gRPC, like the object
 * API: listen on loopback or a trusted network.
 *
 * <p><b>Streams.</b> Output flows with gRPC flow control: a caller that reads slowly slows the
 * runtime's reader, never the kubelet's memory. A cancelled call closes the runtime's log stream or
 * exec session (which kills the command). A follow ends when the container exits.
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} once; thread-safe in between.
 */
public final class KubeletServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubeletServer.class);
    /** Kubernetes' kubelet port; {@code --kubelet-port} defaults to it. */
    public static final int DEFAULT_PORT = 10250;

    private final String host;
    private final Server server;
    private final ExecutorService executor;

    /**
     * @param runtime the node's containers; not closed by {@link #close}
     * @param token the token callers must present
     * @param host the address to listen on, e.g. "127.0.0.1"
     * @param port the port, 0 for a free one (see {@link #port()})
     * @param clock for {@code since_seconds}
     */
    public KubeletServer(
            ContainerRuntime runtime, KubeletClientToken token, String host, int port, InstantSource clock) {
        this.host = host;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "kubelet-stream-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        KubeletGrpcService service = new KubeletGrpcService(runtime, clock, executor);
        this.server = NettyServerBuilder.forAddress(
                        new InetSocketAddress(host, port), InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(service, new TokenCheck(token)))
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build();
    }

    public KubeletServer start() throws IOException {
        server.start();
        log.info("Kubelet logs and exec serving on {}", endpoint());
        return this;
    }

    /** The port listened on; the chosen one when asked for 0. Valid after {@link #start}. */
    public int port() {
        return server.getPort();
    }

    /** "host:port" for the Node's status.kubeletEndpoint. Valid after {@link #start}. */
    public String endpoint() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** Stops listening and cancels the open streams (closing their log streams and exec sessions). */
    @Override
    public void close() {
        server.shutdownNow();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Kubelet server did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}
