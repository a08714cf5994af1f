package io.capstan.kubelet.dns;

import io.capstan.client.informer.Indexer;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Service;
import java.util.Optional;

/**
 * The Services and Endpoints DNS answers from. Every call reads the state as it is now, so answers
 * follow the API as fast as the caches behind it do; two calls for one query may see different
 * states, which costs at most one answer mixing two versions of one service.
 *
 * <p>Implementations must be thread-safe and must not block: they are called on the DNS event loop.
 */
public interface ServiceLookup {
    Optional<Service> service(String namespace, String name);

    Optional<Endpoints> endpoints(String namespace, String name);

    /** Whether any Service exists in {@code namespace} (the namespace's DNS name then exists). */
    boolean hasServices(String namespace);

    /** Reads informer caches (the kubelet's). */
    static ServiceLookup of(Indexer<Service> services, Indexer<Endpoints> endpoints) {
        return new ServiceLookup() {
            @Override
            public Optional<Service> service(String namespace, String name) {
                return services.get(namespace, name);
            }

            @Override
            public Optional<Endpoints> endpoints(String namespace, String name) {
                return endpoints.get(namespace, name);
            }

            @Override
            public boolean hasServices(String namespace) {
                return !services.list(namespace).isEmpty();
            }
        };
    }
}
