/**
 * Informers: a local, indexed cache of one kind kept current by list-then-watch, and handlers
 * told of every change, as client-go's SharedInformer and Reflector.
 */
@NullMarked
package io.capstan.client.informer;

import org.jspecify.annotations.NullMarked;
