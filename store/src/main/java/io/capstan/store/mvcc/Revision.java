package io.capstan.store.mvcc;

/**
 * A point in the store's history: {@code main} is the store revision of one transaction and
 * {@code sub} orders the changes inside it, as in etcd.
 */
public record Revision(long main, long sub) implements Comparable<Revision> {

    @Override
    public int compareTo(Revision other) {
        int byMain = Long.compare(main, other.main);
        return byMain != 0 ? byMain : Long.compare(sub, other.sub);
    }
}
