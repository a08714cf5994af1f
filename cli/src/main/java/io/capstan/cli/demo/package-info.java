/**
 * {@code capstan demo-web}: a small HTTP server shipped in the launcher, the command of the example
 * pods in {@code deploy/examples/}, so that the examples need nothing but Java. Uses the JDK's
 * {@code com.sun.net.httpserver} only.
 */
@NullMarked
package io.capstan.cli.demo;

import org.jspecify.annotations.NullMarked;
