/**
 * Recording Events about objects (best effort, on a writer thread of its own), and the conversions
 * between protobuf timestamps and instants that every writer of conditions and events needs.
 */
@NullMarked
package io.capstan.client.events;

import org.jspecify.annotations.NullMarked;
