/**
 * The {@code capstan} command-line client: {@link io.capstan.cli.Capstan} and one command class per
 * verb. It reaches the object API only through {@code io.capstan.client}.
 */
@NullMarked
package io.capstan.cli;

import org.jspecify.annotations.NullMarked;
