package io.capstan.store.raft;

/** Told when this peer's Raft role changes. Called on Ratis threads; implementations return quickly. */
public interface LeadershipListener {
    /** This peer is leader and has applied every entry of earlier terms (Ratis "leader ready"). */
    void onLeaderReady();

    /** This peer is no longer leader, or never was, since the last call. */
    void onNotLeader();
}
