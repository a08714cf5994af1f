package io.capstan.client;

import io.capstan.apiserver.service.ControlPlane;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.TestInfo;

/**
 * An in-process {@link ControlPlane} of {@code size} nodes with one {@link ObjectClient} that
 * carries the admin token and is connected to every API server of the plane, as most ITs want it.
 * A test that connects to chosen servers only, or kills and restarts nodes under a client, uses
 * {@link #plane()} and its own clients.
 *
 * <pre>{@code
 * try (TestControlPlane cluster = TestControlPlane.start(3, root)) {
 *     ObjectClient api = cluster.client();
 *     ...
 * }
 * }</pre>
 */
public final class TestControlPlane implements AutoCloseable {
    private final ControlPlane plane;
    private final ObjectClient client;

    private TestControlPlane(ControlPlane plane, ObjectClient client) {
        this.plane = plane;
        this.client = client;
    }

    /** Starts the plane, then connects the client; a failure in between stops what was started. */
    public static TestControlPlane start(int size, Path root) throws Exception {
        ControlPlane plane = ControlPlane.start(size, root);
        try {
            List<String> endpoints = new ArrayList<>();
            for (int i = 0; i < plane.size(); i++) {
                endpoints.add(plane.apiAddress(i));
            }
            return new TestControlPlane(plane, ObjectClient.connect(ClientConfig.of(endpoints, ControlPlane.TOKEN)));
        } catch (RuntimeException e) {
            plane.close();
            throw e;
        }
    }

    public ControlPlane plane() {
        return plane;
    }

    /** The client on every API server; closed by {@link #close()}, so callers do not close it. */
    public ObjectClient client() {
        return client;
    }

    /** Closes the client, then the plane, even when closing the client fails. */
    /**
     * Creates a namespace of its own for {@code test}, named after its method ({@code t-<12 chars of
     * the method>-<5 digits>}), so the tests of a class can share one plane; returns its name.
     */
    public String createNamespace(TestInfo test) {
        String method = test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
        String name = "t-" + method.substring(0, Math.min(12, method.length())) + "-" + (System.nanoTime() % 100000);
        client.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name))
                        .build());
        return name;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            plane.close();
        }
    }
}
