package io.capstan.controllers.gc;

/** How one owner reference of a dependent stands: Kubernetes' classifyReferences. */
enum OwnerState {
    /** The owner exists (same uid) and is not waiting for its dependents to go: the dependent stays. */
    SOLID,
    /** No object of that kind, namespace, name and uid exists: the reference is to a deleted owner. */
    DANGLING,
    /** The owner is being deleted in the foreground (finalizer foregroundDeletion): it waits for this dependent. */
    WAITING_FOR_DEPENDENTS_DELETION
}
