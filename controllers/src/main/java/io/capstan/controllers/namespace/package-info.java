/**
 * The namespace controller: a namespace being deleted is emptied of every namespaced object, then
 * released to the API server by removing its "kubernetes" finalizer. {@code NamespaceDeletion}
 * decides; {@link io.capstan.controllers.namespace.NamespaceController} is the loop.
 */
package io.capstan.controllers.namespace;
