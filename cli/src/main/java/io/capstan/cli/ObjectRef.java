package io.capstan.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One object named on the command line, as {@code TYPE NAME} or {@code TYPE/NAME}.
 *
 * @param type its resource type
 * @param name its name
 */
record ObjectRef(ResourceType type, String name) {

    /**
     * The objects named by {@code args}: {@code TYPE NAME...}, or {@code TYPE/NAME...}.
     *
     * @throws CommandException if no name is given or the two forms are mixed
     */
    static List<ObjectRef> parse(List<String> args) {
        if (args.isEmpty()) {
            throw new CommandException("you must specify the type of resource and a name");
        }
        List<ObjectRef> refs = new ArrayList<>();
        if (args.get(0).contains("/")) {
            for (String arg : args) {
                int slash = arg.indexOf('/');
                if (slash <= 0 || slash == arg.length() - 1) {
                    throw new CommandException("there is no need to specify a resource type as a separate argument"
                            + " when passing arguments in resource/name form (e.g. 'capstan get resource/<name>')"
                            + ", got \"" + arg + "\"");
                }
                refs.add(new ObjectRef(ResourceType.resolve(arg.substring(0, slash)), arg.substring(slash + 1)));
            }
            return refs;
        }
        ResourceType type = ResourceType.resolve(args.get(0));
        if (args.size() < 2) {
            throw new CommandException("a name is required for " + type.plural());
        }
        for (String name : args.subList(1, args.size())) {
            refs.add(new ObjectRef(type, name));
        }
        return refs;
    }
}
