/**
 * The Java client of the object API: {@link io.capstan.client.ObjectClient} (every verb, retries
 * and failover over several API servers), its typed view per kind {@link
 * io.capstan.client.KindClient}, the client config, and the exceptions that stand for gRPC
 * statuses. The packages below it build the controller toolkit on this client.
 */
@NullMarked
package io.capstan.client;

import org.jspecify.annotations.NullMarked;
