package io.capstan.kubelet.pod;

import io.capstan.client.KindClient;
import io.capstan.client.events.EventRecorder;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.proto.api.v1.Pod;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;

/** What every pod worker of a node shares. */
record PodContext(
        String nodeName,
        String hostIp,
        Path podsDir,
        ContainerRuntime runtime,
        KindClient<Pod> pods,
        ConfigSource config,
        EndpointsView endpoints,
        EventRecorder events,
        HealthChecks health,
        HostPorts hostPorts,
        RestartBackoff backoff,
        PodTimings timings,
        Clock clock,
        Consumer<String> requestSync) {}
