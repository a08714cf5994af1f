package io.capstan.store.mvcc;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The revisions of one key, oldest first, each marked put or tombstone: etcd's keyIndex. A
 * tombstone closes a generation; the next put opens a new one (version 1, new create revision).
 *
 * <p>Worked example, key {@code k}: put@2, put@4, delete@6, put@8, put@9 gives the generations
 * {@code [2 4 6(t)] [8 9]}. Compaction at {@code c} keeps, of the revisions {@code <= c}, only the
 * newest, and drops even that if it is a tombstone:
 *
 * <pre>
 *   compact(5): [4 6(t)] [8 9]     4 is what a read at 5 returns
 *   compact(7): [8 9]              6 was a tombstone: reads at 7 see no k anyway
 *   compact(9): [9]
 * </pre>
 *
 * A key whose revisions are all gone leaves the index.
 *
 * <p>Instances are immutable as far as readers can tell, so a reader that fetched one from the
 * index may use it while the writer publishes a replacement. To keep appends O(1) amortised, an
 * append shares the backing arrays with its predecessor when nothing was appended after it: the
 * predecessor only looks at its first {@code length} slots, which are never written again.
 */
final class KeyIndex {
    private final ByteString key;
    private final Backing backing;
    private final int length;

    private KeyIndex(ByteString key, Backing backing, int length) {
        this.key = key;
        this.backing = backing;
        this.length = length;
    }

    static KeyIndex of(ByteString key, Revision revision, boolean isTombstone) {
        Backing backing = new Backing(4);
        backing.set(0, revision, isTombstone);
        backing.used = 1;
        return new KeyIndex(key, backing, 1);
    }

    ByteString key() {
        return key;
    }

    int size() {
        return length;
    }

    Revision revision(int i) {
        return backing.revisions[i];
    }

    boolean isTombstone(int i) {
        return backing.tombstones[i];
    }

    Revision latest() {
        return backing.revisions[length - 1];
    }

    boolean isLatestTombstone() {
        return backing.tombstones[length - 1];
    }

    /** Only the single writer calls this, always on the newest instance for the key. */
    KeyIndex append(Revision revision, boolean isTombstone) {
        if (revision.compareTo(latest()) <= 0) {
            throw new IllegalStateException(
                    String.format("revision %s of key %s is not after %s", revision, key.toStringUtf8(), latest()));
        }
        Backing target = backing;
        if (backing.used != length || length == backing.revisions.length) {
            target = backing.copy(length, Math.max(4, length * 2));
        }
        target.set(length, revision, isTombstone);
        target.used = length + 1;
        return new KeyIndex(key, target, length + 1);
    }

    /** Index of the newest revision at or before {@code atMain} (any sub), or -1. */
    int floorIndex(long atMain) {
        return floorIndex(new Revision(atMain, Long.MAX_VALUE));
    }

    /** Index of the newest revision at or before {@code at}, or -1. */
    int floorIndex(Revision at) {
        int lo = 0;
        int hi = length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (backing.revisions[mid].compareTo(at) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The revision a read at {@code atMain} sees for this key, or null if the key is absent then. */
    @Nullable
    Revision visibleAt(long atMain) {
        int i = floorIndex(atMain);
        return i < 0 || backing.tombstones[i] ? null : backing.revisions[i];
    }

    /**
     * Whether compaction at {@code compactRevision} keeps the revision at index {@code i}: it is
     * after the compact revision, or it is the newest put at or before it.
     */
    boolean isKeptAt(int i, long compactRevision) {
        if (backing.revisions[i].main() > compactRevision) {
            return true;
        }
        return !backing.tombstones[i] && (i + 1 == length || backing.revisions[i + 1].main() > compactRevision);
    }

    /** How many leading revisions compaction at {@code compactRevision} drops. */
    int droppedBy(long compactRevision) {
        int i = floorIndex(compactRevision);
        if (i < 0) {
            return 0;
        }
        return backing.tombstones[i] ? i + 1 : i;
    }

    /** This index without its first {@code dropped} revisions, or null if none remain. */
    @Nullable
    KeyIndex withoutFirst(int dropped) {
        if (dropped == 0) {
            return this;
        }
        int remaining = length - dropped;
        if (remaining == 0) {
            return null;
        }
        Backing copy = new Backing(Math.max(4, remaining));
        System.arraycopy(backing.revisions, dropped, copy.revisions, 0, remaining);
        System.arraycopy(backing.tombstones, dropped, copy.tombstones, 0, remaining);
        copy.used = remaining;
        return new KeyIndex(key, copy, remaining);
    }

    // Identity equality on purpose: the compactor swaps instances with compare-and-set.

    private static final class Backing {
        final Revision[] revisions;
        final boolean[] tombstones;
        int used; // written by the single writer (or the compactor on a private copy) before publication

        Backing(int capacity) {
            revisions = new Revision[capacity];
            tombstones = new boolean[capacity];
        }

        void set(int i, Revision revision, boolean isTombstone) {
            revisions[i] = revision;
            tombstones[i] = isTombstone;
        }

        Backing copy(int length, int capacity) {
            Backing copy = new Backing(capacity);
            System.arraycopy(revisions, 0, copy.revisions, 0, length);
            System.arraycopy(tombstones, 0, copy.tombstones, 0, length);
            return copy;
        }
    }

    @Override
    public String toString() {
        return key.toStringUtf8() + Arrays.toString(Arrays.copyOf(backing.revisions, length));
    }
}
