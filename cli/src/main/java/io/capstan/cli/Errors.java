package io.capstan.cli;

import io.capstan.api.manifest.ManifestException;
import io.capstan.client.AlreadyExistsException;
import io.capstan.client.ApiException;
import io.capstan.client.InvalidException;
import io.capstan.client.NotFoundException;

/** The one-line messages the verbs print after {@code error: }. */
final class Errors {
    private Errors() {}

    /** Any failure of a command, as one line. */
    static String message(Exception e) {
        if (e instanceof CommandException || e instanceof ManifestException) {
            return String.valueOf(e.getMessage());
        }
        if (e instanceof ApiException api) {
            return serverMessage(api);
        }
        if (e instanceof IllegalArgumentException) {
            return String.valueOf(e.getMessage());
        }
        return e.toString();
    }

    /**
     * A failure of a call about the object {@code name} of {@code type}, as kubectl words it:
     * {@code deployments.apps "web" not found}, {@code ... already exists}, {@code ... is invalid:
     * spec.replicas: must be >= 0, got -1}; other failures in the server's words.
     */
    static String about(ApiException e, ResourceType type, String name) {
        String object = type.qualifiedPlural() + " \"" + name + "\"";
        if (e instanceof NotFoundException) {
            return object + " not found";
        }
        if (e instanceof AlreadyExistsException) {
            return object + " already exists";
        }
        if (e instanceof InvalidException) {
            return object + " is invalid: " + serverMessage(e);
        }
        return serverMessage(e);
    }

    /** The server's message without the status code ApiException puts in front of it. */
    static String serverMessage(ApiException e) {
        String message = String.valueOf(e.getMessage());
        String prefix = e.code() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
