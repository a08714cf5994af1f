package io.capstan.cli;

import io.capstan.api.manifest.ManifestException;
import io.capstan.client.AlreadyExistsException;
import io.capstan.client.ApiException;
import io.capstan.client.InvalidException;
import io.capstan.client.NotFoundException;
import io.capstan.client.UnavailableException;

/** The one-line messages the verbs print after {@code error: }. */
final class Errors {
    private Errors() {}

    /** Any failure of a command, as one line. */
    static String message(Exception e) {
        if (e instanceof CommandException || e instanceof ManifestException) {
            return String.valueOf(e.getMessage());
        }
        if (e instanceof UnavailableException unavailable) {
            return "cannot reach an API server (" + serverMessage(unavailable)
                    + "); check --server or the client config";
        }
        if (e instanceof ApiException api) {
            return serverMessage(api) + retryNote(api);
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
            return object + " not found" + retryNote(e);
        }
        if (e instanceof AlreadyExistsException) {
            return object + " already exists" + retryNote(e);
        }
        if (e instanceof InvalidException) {
            return object + " is invalid: " + serverMessage(e);
        }
        return message(e);
    }

    /** The server's message without the status code and retry note ApiException adds to it. */
    static String serverMessage(ApiException e) {
        String message = String.valueOf(e.getMessage());
        String prefix = e.code() + ": ";
        if (message.startsWith(prefix)) {
            message = message.substring(prefix.length());
        }
        int note = message.lastIndexOf(" (after a retry");
        return note > 0 ? message.substring(0, note) : message;
    }

    /** Whether the failure may be the effect of an earlier attempt of the same call. */
    private static String retryNote(ApiException e) {
        return e.afterRetry() ? " (after a retry: an earlier attempt may have taken effect)" : "";
    }
}
