/** The process entry point that runs a store peer and the object API in one JVM. */
package io.capstan.apiserver.server;
