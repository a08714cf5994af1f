package io.capstan.kubelet.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the kubelet needs from something that runs containers: Docker, host processes, or the fake
 * runtime of hollow nodes. The pod workers drive it; it keeps no pod-level state of its own beyond
 * what it needs to find its containers again after a kubelet restart.
 *
 * <p>Identity: every container carries the labels of {@link ContainerLabels} (node, pod uid, pod
 * namespace and name, container name, attempt). A runtime instance belongs to one node and lists,
 * stops and removes only containers labelled with that node's name, so several kubelets may share
 * one Docker engine or one host.
 *
 * <p>Ports: the kubelet chooses a free host port for each declared container port and passes the
 * mapping in {@link ContainerConfig#ports()}. The runtime publishes it: the process runtime and
 * Docker's host networking hand it to the container in environment variables (see {@link
 * PortEnvironment}); Docker's bridge mode publishes {@code 127.0.0.1:hostPort -> containerPort}.
 *
 * <p>Threads: every method may be called from any thread, concurrently for different containers.
 * Calls for one container come from its pod worker, one at a time.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** "docker", "process" or "fake": the scheme of container ids in pod status. */
    String name();

    /** The runtime's version for the Node's nodeInfo, e.g. "docker://20.10.24". */
    String version();

    /**
     * Whether containers listen on their host ports themselves and get them in environment
     * variables ({@link PortEnvironment}): true for host processes and Docker host networking, false
     * for Docker bridge mode. The kubelet then also offers those variables for $(VAR) expansion in
     * command, args and env.
     */
    default boolean portsInEnvironment() {
        return true;
    }

    /**
     * Makes {@code image} available as the pull policy says and returns its runtime identity (a
     * digest or id; the image name itself where the runtime has no images).
     *
     * @throws ImageException when the image is absent and cannot be pulled (reason ErrImagePull)
     *     or the policy forbids pulling it (reason ErrImageNeverPull)
     */
    ImageRef ensureImage(String image, PullPolicy policy) throws ImageException;

    /**
     * Creates (does not start) a container. The config's mounts, env and ports are applied; its
     * labels identify it.
     *
     * @return the container's id, unique within this runtime
     * @throws ContainerException when it cannot be created (reason CreateContainerError), e.g. the
     *     process runtime finds no executable
     */
    String create(ContainerConfig config) throws ContainerException;

    /**
     * Starts a created container.
     *
     * @throws ContainerException when it cannot be started (reason StartError); the container is
     *     then reported as exited with a non-zero code
     */
    void start(String containerId) throws ContainerException;

    /**
     * Stops a running container: SIGTERM to its process (the whole process group for host
     * processes), then SIGKILL once {@code grace} has passed. Returns when it has exited. Stopping an
     * exited or unknown container does nothing. A zero grace kills at once.
     */
    void stop(String containerId, Duration grace);

    /** Removes an exited container with its logs and runtime state. Unknown ids are ignored. */
    void remove(String containerId);

    /** Every container of this node the runtime knows, running or exited, in no particular order. */
    List<RuntimeContainer> list();

    /**
     * The containers of one pod ({@link ContainerLabels#podUid()}) as {@link #list()} gives them. A
     * pod worker reads its pod's containers at every sync; a runtime that can select by label
     * overrides this so that such a read costs the pod's containers, not the node's.
     */
    default List<RuntimeContainer> list(String podUid) {
        List<RuntimeContainer> containers = new ArrayList<>();
        for (RuntimeContainer c : list()) {
            if (c.labels().podUid().equals(podUid)) {
                containers.add(c);
            }
        }
        return containers;
    }

    /**
     * The current state of one container.
     *
     * @throws NoSuchContainerException when the runtime does not know it
     */
    RuntimeContainer inspect(String containerId) throws NoSuchContainerException;

    /**
     * Runs {@code command} inside a running container (docker exec; for host processes, a process
     * with the container's environment and working directory) and streams its output to {@code
     * output}. The returned session ends when the command exits or is cancelled.
     *
     * @throws NoSuchContainerException when the container is unknown or not running
     */
    ExecSession exec(String containerId, List<String> command, OutputSink output) throws NoSuchContainerException;

    /**
     * Streams a container's log (stdout and stderr interleaved as written) to {@code output}: the
     * last {@code tailLines} lines (all when negative) written since {@code since} (if set), then,
     * when {@code follow}, what it writes next until the container exits or the stream is closed.
     * Works for exited containers that are not yet removed.
     *
     * @throws NoSuchContainerException when the container is unknown
     */
    LogStream logs(String containerId, LogOptions options, OutputSink output) throws NoSuchContainerException;

    /**
     * Registers the one listener told when a container changes state (started, exited, removed),
     * so pod workers react at once rather than at their next periodic sync. Calls may be
     * duplicated or coalesced; the listener reads the state with {@link #inspect}.
     */
    void setListener(ContainerListener listener);

    /** Releases the runtime's connections and threads; containers keep running. */
    @Override
    void close();
}
