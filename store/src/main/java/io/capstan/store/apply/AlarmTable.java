package io.capstan.store.apply;

import io.capstan.proto.etcd.AlarmMember;
import io.capstan.proto.etcd.AlarmType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Active alarms per member, as etcd's alarm store keeps them. Changed on the apply thread, readable
 * from any thread; listed in (member, alarm) order.
 */
final class AlarmTable {
    private static final Comparator<AlarmMember> ORDER = Comparator.<AlarmMember, Long>comparing(
                    AlarmMember::getMemberID, Long::compareUnsigned)
            .thenComparingInt(AlarmMember::getAlarmValue);

    private final ConcurrentSkipListSet<AlarmMember> active = new ConcurrentSkipListSet<>(ORDER);

    void activate(long memberId, AlarmType alarm) {
        if (alarm != AlarmType.NONE) {
            active.add(alarm(memberId, alarm));
        }
    }

    /** Member 0 means every member, as in etcd's AlarmRequest; alarm NONE means every alarm. */
    void deactivate(long memberId, AlarmType alarm) {
        active.removeIf(a ->
                (memberId == 0 || a.getMemberID() == memberId) && (alarm == AlarmType.NONE || a.getAlarm() == alarm));
    }

    boolean isActive(AlarmType alarm) {
        return active.stream().anyMatch(a -> a.getAlarm() == alarm);
    }

    List<AlarmMember> list() {
        return new ArrayList<>(active);
    }

    private static AlarmMember alarm(long memberId, AlarmType alarm) {
        return AlarmMember.newBuilder().setMemberID(memberId).setAlarm(alarm).build();
    }
}
