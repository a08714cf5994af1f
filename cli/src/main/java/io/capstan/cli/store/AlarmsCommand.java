package io.capstan.cli.store;

import io.capstan.proto.etcd.AlarmMember;
import io.capstan.proto.etcd.AlarmRequest;
import io.capstan.proto.etcd.AlarmResponse;
import io.capstan.proto.etcd.AlarmType;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code capstan store alarms [list|disarm]}: the store's alarms (NOSPACE when the quota is
 * exceeded, CORRUPT), one line each as etcdctl prints them but with member IDs in hex, as {@code
 * status} and {@code members} show them.
 */
@Command(
        name = "alarms",
        mixinStandardHelpOptions = true,
        description = "Lists the store's active alarms (the default), or disarms them all.",
        subcommands = {AlarmsCommand.ListAlarms.class, AlarmsCommand.DisarmAlarms.class})
final class AlarmsCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    StoreCommand parent;

    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public Integer call() {
        return list(Commands.require(parent), Commands.out(spec));
    }

    static int list(StoreCommand store, PrintWriter out) {
        List<AlarmMember> alarms;
        try (StoreConnection connection = store.connect()) {
            alarms = connection
                    .call(endpoint -> endpoint.maintenance()
                            .alarm(AlarmRequest.newBuilder()
                                    .setAction(AlarmRequest.AlarmAction.GET)
                                    .setAlarm(AlarmType.NONE)
                                    .build()))
                    .getAlarmsList();
        }
        for (AlarmMember alarm : alarms) {
            out.println(line(alarm));
        }
        out.flush();
        return 0;
    }

    static String line(AlarmMember alarm) {
        return "memberID:" + Long.toHexString(alarm.getMemberID()) + " alarm:" + alarm.getAlarm();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the store's active alarms.")
    static final class ListAlarms implements Callable<Integer> {
        @ParentCommand
        @Nullable
        AlarmsCommand parent;

        @Spec
        @Nullable
        CommandSpec spec;

        @Override
        public Integer call() {
            return list(Commands.require(Commands.require(parent).parent), Commands.out(spec));
        }
    }

    @Command(
            name = "disarm",
            mixinStandardHelpOptions = true,
            description = {
                "Disarms every active alarm, printing each one disarmed. Disarming NOSPACE without first"
                        + " compacting (and deleting keys) only lets the quota raise it again."
            })
    static final class DisarmAlarms implements Callable<Integer> {
        @ParentCommand
        @Nullable
        AlarmsCommand parent;

        @Spec
        @Nullable
        CommandSpec spec;

        @Override
        public Integer call() {
            StoreCommand store = Commands.require(Commands.require(parent).parent);
            PrintWriter out = Commands.out(spec);
            try (StoreConnection connection = store.connect()) {
                AlarmResponse active = connection.call(endpoint -> endpoint.maintenance()
                        .alarm(AlarmRequest.newBuilder()
                                .setAction(AlarmRequest.AlarmAction.GET)
                                .setAlarm(AlarmType.NONE)
                                .build()));
                for (AlarmMember alarm : active.getAlarmsList()) {
                    connection.call(endpoint -> endpoint.maintenance()
                            .alarm(AlarmRequest.newBuilder()
                                    .setAction(AlarmRequest.AlarmAction.DEACTIVATE)
                                    .setMemberID(alarm.getMemberID())
                                    .setAlarm(alarm.getAlarm())
                                    .build()));
                    out.println("disarmed " + line(alarm));
                }
                if (active.getAlarmsCount() == 0) {
                    out.println("no alarms to disarm");
                }
            }
            out.flush();
            return 0;
        }
    }
}
