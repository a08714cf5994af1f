package io.capstan.kubelet.dns;

import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Service;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ServiceLookup} over maps a test fills: the snapshot the record logic reads. */
final class MapServiceLookup implements ServiceLookup {
    private final Map<String, Service> services = new ConcurrentHashMap<>();
    private final Map<String, Endpoints> endpoints = new ConcurrentHashMap<>();

    MapServiceLookup put(Service service) {
        services.put(
                key(service.getMetadata().getNamespace(), service.getMetadata().getName()), service);
        return this;
    }

    MapServiceLookup put(Endpoints value) {
        endpoints.put(
                key(value.getMetadata().getNamespace(), value.getMetadata().getName()), value);
        return this;
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
        return Optional.ofNullable(services.get(key(namespace, name)));
    }

    @Override
    public Optional<Endpoints> endpoints(String namespace, String name) {
        return Optional.ofNullable(endpoints.get(key(namespace, name)));
    }

    @Override
    public boolean hasServices(String namespace) {
        return services.values().stream()
                .anyMatch(s -> s.getMetadata().getNamespace().equals(namespace));
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
