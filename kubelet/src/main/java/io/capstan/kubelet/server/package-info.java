/**
 * The kubelet's own gRPC port: a container's logs and exec, for the API server only (see {@link
 * io.capstan.kubelet.server.KubeletServer}). The one kubelet package that imports io.grpc.
 */
@NullMarked
package io.capstan.kubelet.server;

import org.jspecify.annotations.NullMarked;
