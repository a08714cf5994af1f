package io.capstan.kubelet.proxy;

import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Service;

/**
 * Where the proxy reports what a Service's owner should see, such as a port it could not bind.
 * {@link ApiEventSink} writes Events through the API.
 *
 * <p>Implementations must be thread-safe and must not block: the proxy calls them from its event
 * loops. Recording is best effort; a failure to record is the sink's to log, never the caller's.
 */
@FunctionalInterface
public interface EventSink {

    void record(Service service, Event.Type type, String reason, String message);
}
