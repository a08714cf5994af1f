/** How objects are printed: kubectl-style tables, ages, and the manifest forms. */
@NullMarked
package io.capstan.cli.output;

import org.jspecify.annotations.NullMarked;
