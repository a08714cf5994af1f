package io.capstan.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code CONTAINER=IMAGE} pairs of {@code capstan set image}; the container {@code *} stands
 * for every container. Immutable.
 *
 * @param images image by container name, in the order given
 */
record ContainerImages(Map<String, String> images) {
    static final String EVERY_CONTAINER = "*";

    ContainerImages {
        images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
    }

    /** Whether {@code arg} is a pair rather than an object. */
    static boolean isPair(String arg) {
        return arg.contains("=");
    }

    /**
     * The pairs in {@code args}.
     *
     * @throws CommandException for a pair without a container or an image, a container named
     *     twice, or no pair at all
     */
    static ContainerImages parse(List<String> args) {
        Map<String, String> images = new LinkedHashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals < 0) {
                throw new CommandException("invalid image update \"" + arg + "\": expected CONTAINER=IMAGE");
            }
            String container = arg.substring(0, equals).trim();
            String image = arg.substring(equals + 1).trim();
            if (container.isEmpty()) {
                throw new CommandException("invalid image update \"" + arg + "\": the container name is empty");
            }
            if (image.isEmpty()) {
                throw new CommandException("invalid image update \"" + arg + "\": the image is empty");
            }
            if (images.put(container, image) != null) {
                throw new CommandException("container \"" + container + "\" is given more than once");
            }
        }
        if (images.isEmpty()) {
            throw new CommandException("at least one image update is required (CONTAINER=IMAGE)");
        }
        return new ContainerImages(images);
    }

    /** The image for the container {@code name}, or null to leave it. */
    @Nullable
    String imageFor(String name) {
        String image = images.get(name);
        return image != null ? image : images.get(EVERY_CONTAINER);
    }
}
