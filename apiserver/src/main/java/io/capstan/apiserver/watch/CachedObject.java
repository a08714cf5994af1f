package io.capstan.apiserver.watch;

import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;

/**
 * An object as the cache holds it: its store key, the object with its resourceVersion set, and
 * that object's metadata, kept apart so that filters need not unwrap the oneof again.
 */
record CachedObject(String key, TypedObject object, ObjectMeta metadata) {}
