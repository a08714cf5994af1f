package io.capstan.store.apply;

import io.capstan.proto.etcd.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** The cluster's members by id. Changed on the apply thread, readable from any thread. */
final class MemberTable {
    private final ConcurrentSkipListMap<Long, Member> members = new ConcurrentSkipListMap<>(Long::compareUnsigned);

    boolean contains(long id) {
        return members.containsKey(id);
    }

    Optional<Member> get(long id) {
        return Optional.ofNullable(members.get(id));
    }

    void put(Member member) {
        members.put(member.getID(), member);
    }

    void remove(long id) {
        members.remove(id);
    }

    /** Members in id order (unsigned, as etcd prints them). */
    List<Member> list() {
        return new ArrayList<>(members.values());
    }
}
