/**
 * The {@code capstan} launcher: {@link io.capstan.cli.Capstan}, one command class per verb of the
 * command-line client, and the roles it starts ({@code server}, {@code controller-manager}). The
 * verbs reach the object API only through {@code io.capstan.client}; of the server and the
 * controllers only the roles' entry points are used.
 */
@NullMarked
package io.capstan.cli;

import org.jspecify.annotations.NullMarked;
