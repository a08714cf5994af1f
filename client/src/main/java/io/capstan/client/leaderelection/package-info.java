/**
 * Leader election on a Lease object, with client-go's algorithm and defaults, so that of several
 * controller-managers exactly one acts.
 */
@NullMarked
package io.capstan.client.leaderelection;

import org.jspecify.annotations.NullMarked;
