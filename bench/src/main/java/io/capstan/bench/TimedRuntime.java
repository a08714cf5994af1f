package io.capstan.bench;

import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerException;
import io.capstan.kubelet.runtime.ContainerListener;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.ExecSession;
import io.capstan.kubelet.runtime.ImageException;
import io.capstan.kubelet.runtime.ImageRef;
import io.capstan.kubelet.runtime.LogOptions;
import io.capstan.kubelet.runtime.LogStream;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import io.capstan.kubelet.runtime.OutputSink;
import io.capstan.kubelet.runtime.PullPolicy;
import io.capstan.kubelet.runtime.RuntimeContainer;
import java.time.Duration;
import java.util.List;

/**
 * A runtime that tells a {@link Listener} when the kubelet begins to create a container and when it
 * has started one (pod uid, {@code System.nanoTime()}), and otherwise is the runtime it wraps. It
 * splits a pod's time on its node into "until the kubelet asks for its container", "until the
 * runtime has started it" and "until its status was written and seen".
 */
final class TimedRuntime implements ContainerRuntime {
    /** Told of every container create and start, from the kubelet's worker threads. */
    interface Listener {
        void creating(String podUid, long nanoTime);

        void started(String podUid, long nanoTime);
    }

    private final ContainerRuntime runtime;
    private final Listener listener;

    TimedRuntime(ContainerRuntime runtime, Listener listener) {
        this.runtime = runtime;
        this.listener = listener;
    }

    @Override
    public String name() {
        return runtime.name();
    }

    @Override
    public String version() {
        return runtime.version();
    }

    @Override
    public boolean portsInEnvironment() {
        return runtime.portsInEnvironment();
    }

    @Override
    public ImageRef ensureImage(String image, PullPolicy policy) throws ImageException {
        return runtime.ensureImage(image, policy);
    }

    @Override
    public String create(ContainerConfig config) throws ContainerException {
        listener.creating(config.labels().podUid(), System.nanoTime());
        return runtime.create(config);
    }

    @Override
    public void start(String containerId) throws ContainerException {
        runtime.start(containerId);
        long now = System.nanoTime();
        try {
            listener.started(runtime.inspect(containerId).labels().podUid(), now);
        } catch (NoSuchContainerException e) {
            // removed at once: nothing to time
        }
    }

    @Override
    public void stop(String containerId, Duration grace) {
        runtime.stop(containerId, grace);
    }

    @Override
    public void remove(String containerId) {
        runtime.remove(containerId);
    }

    @Override
    public List<RuntimeContainer> list() {
        return runtime.list();
    }

    @Override
    public List<RuntimeContainer> list(String podUid) {
        return runtime.list(podUid);
    }

    @Override
    public RuntimeContainer inspect(String containerId) throws NoSuchContainerException {
        return runtime.inspect(containerId);
    }

    @Override
    public ExecSession exec(String containerId, List<String> command, OutputSink output)
            throws NoSuchContainerException {
        return runtime.exec(containerId, command, output);
    }

    @Override
    public LogStream logs(String containerId, LogOptions options, OutputSink output) throws NoSuchContainerException {
        return runtime.logs(containerId, options, output);
    }

    @Override
    public void setListener(ContainerListener listener) {
        runtime.setListener(listener);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
