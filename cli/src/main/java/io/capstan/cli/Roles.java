package io.capstan.cli;

import java.util.Optional;
import java.util.Set;

/**
 * The long-running roles the launcher runs besides the verbs: {@code capstan server} and {@code
 * capstan controller-manager}. A verb logs warnings only (simplelogger.properties); a role logs at
 * info, with times, as the processes did when each had a jar of its own. A {@code -D} given for the
 * same property wins.
 */
final class Roles {
    static final Set<String> NAMES = Set.of("server", "controller-manager", "kubelet");
    /** The root's flags that take a value, so that the value is not taken for the command's name. */
    private static final Set<String> ROOT_FLAGS_WITH_VALUE = Set.of("--server", "--token", "--config");

    private Roles() {}

    static boolean isRole(String commandName) {
        return NAMES.contains(commandName);
    }

    /** The role this command line runs: its first word that is not a root flag or a flag's value. */
    static Optional<String> named(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (ROOT_FLAGS_WITH_VALUE.contains(arg)) {
                i++;
            } else if (!arg.startsWith("-")) {
                return isRole(arg) ? Optional.of(arg) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** slf4j-simple reads its settings once, from system properties before its properties file. */
    static void logAtInfo() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
