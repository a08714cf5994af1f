package io.capstan.client.informer;

import io.capstan.proto.api.v1.ConfigMap;
import java.util.ArrayList;
import java.util.List;

/** Records each call as "add name@rv", "update name@rv->rv", "delete name@rv". Thread-safe. */
final class RecordingHandler implements EventHandler<ConfigMap> {
    private final List<String> calls = new ArrayList<>();

    @Override
    public synchronized void onAdd(ConfigMap object) {
        calls.add("add " + id(object));
    }

    @Override
    public synchronized void onUpdate(ConfigMap oldObject, ConfigMap newObject) {
        calls.add("update " + id(oldObject) + "->" + newObject.getMetadata().getResourceVersion());
    }

    @Override
    public synchronized void onDelete(ConfigMap object) {
        calls.add("delete " + id(object));
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized void clear() {
        calls.clear();
    }

    private static String id(ConfigMap object) {
        return object.getMetadata().getName() + "@" + object.getMetadata().getResourceVersion();
    }
}
