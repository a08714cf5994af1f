package io.capstan.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes {@code capstan label} and {@code capstan annotate} take after the objects, as kubectl
 * writes them: {@code key=value} sets a key, {@code key-} removes one. Immutable.
 *
 * @param set the keys to set, with their values, in the order given
 * @param remove the keys to remove, in the order given
 */
record KeyChanges(Map<String, String> set, List<String> remove) {

    KeyChanges {
        set = Collections.unmodifiableMap(new LinkedHashMap<>(set));
        remove = List.copyOf(remove);
    }

    /** Whether {@code arg} is a change rather than an object: it holds {@code =} or ends with {@code -}. */
    static boolean isChange(String arg) {
        return arg.contains("=") || arg.endsWith("-");
    }

    /**
     * The changes in {@code args} ({@code what} names them in errors: "label", "annotation").
     *
     * @throws CommandException for an empty key, no change at all, or a key both set and removed
     */
    static KeyChanges parse(List<String> args, String what) {
        Map<String, String> set = new LinkedHashMap<>();
        List<String> remove = new ArrayList<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals >= 0) {
                String key = arg.substring(0, equals);
                if (key.isEmpty()) {
                    throw new CommandException("invalid " + what + " \"" + arg + "\": the key is empty");
                }
                if (set.put(key, arg.substring(equals + 1)) != null) {
                    throw new CommandException(what + " \"" + key + "\" is given more than once");
                }
            } else if (arg.endsWith("-") && arg.length() > 1) {
                remove.add(arg.substring(0, arg.length() - 1));
            } else {
                throw new CommandException(
                        "invalid " + what + " \"" + arg + "\": expected KEY=VALUE to set it or KEY- to remove it");
            }
        }
        if (set.isEmpty() && remove.isEmpty()) {
            throw new CommandException("at least one " + what + " update is required (KEY=VALUE or KEY-)");
        }
        for (String key : remove) {
            if (set.containsKey(key)) {
                throw new CommandException(
                        "can not both modify and remove the " + what + " \"" + key + "\" in the same command");
            }
        }
        return new KeyChanges(set, remove);
    }

    /** {@code current} after these changes. */
    Map<String, String> appliedTo(Map<String, String> current) {
        Map<String, String> result = new LinkedHashMap<>(current);
        result.putAll(set);
        remove.forEach(result::remove);
        return result;
    }
}
