/**
 * Label and field selectors: Kubernetes' string syntax, the {@code LabelSelector} message of specs,
 * and matching against objects. Pure values with no I/O; shared by the API server (list, watch and
 * its cache) and clients (listers).
 */
@NullMarked
package io.capstan.api.selector;

import org.jspecify.annotations.NullMarked;
