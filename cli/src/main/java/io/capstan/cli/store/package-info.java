/**
 * {@code capstan store ...}: inspection and maintenance of the store for operators, over the etcd v3
 * gRPC API of the store's client ports (status, members, get, watch, snapshot, compact, defrag,
 * alarms). Values under {@code /registry/} are decoded from their protobuf bytes into objects,
 * which etcdctl cannot do. Of the store module only the offline snapshot restore is used.
 */
@NullMarked
package io.capstan.cli.store;

import org.jspecify.annotations.NullMarked;
