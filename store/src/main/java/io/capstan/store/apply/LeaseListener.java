package io.capstan.store.apply;

/**
 * Hears about applied lease grants and revokes, on the apply thread, so that the lessor can keep
 * its deadlines in step with the lease table. Must return quickly and must not throw.
 */
public interface LeaseListener {
    LeaseListener NONE = new LeaseListener() {
        @Override
        public void onGranted(long id, long ttlSeconds) {}

        @Override
        public void onRevoked(long id) {}
    };

    void onGranted(long id, long ttlSeconds);

    void onRevoked(long id);
}
