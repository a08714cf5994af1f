package io.capstan.client.leaderelection;

/**
 * What a {@link LeaderElector} tells its owner, on the elector's thread, in order. Each call must
 * return promptly: start or stop work on threads of your own.
 */
public interface LeaderCallbacks {

    /** This candidate now holds the lease: start acting. */
    void onStartedLeading();

    /**
     * This candidate no longer holds the lease, or cannot be sure it does (a renewal did not
     * succeed within the renew deadline): stop acting at once. Called only after {@link
     * #onStartedLeading()}.
     */
    void onStoppedLeading();

    /** The holder this candidate observes changed to {@code identity} (possibly its own). */
    default void onNewLeader(String identity) {}
}
