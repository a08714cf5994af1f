/**
 * The Docker runtime: containers on a Docker engine through docker-java, with host networking (ports
 * in environment variables) or bridge networking (ports published on 127.0.0.1). The only package of
 * the kubelet that imports {@code com.github.dockerjava}.
 */
@NullMarked
package io.capstan.kubelet.runtime.docker;

import org.jspecify.annotations.NullMarked;
