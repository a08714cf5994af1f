package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.HttpBodyMatch;
import io.capstan.proto.api.v1.HttpGetAction;
import io.capstan.proto.api.v1.HttpHeader;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.Probe;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kubernetes' probe rules (exactly one action; thresholds and periods in range; liveness and
 * startup probes succeed once), the port of an HTTP or TCP check, and Capstan's bodyMatch
 * extension of an HTTP probe.
 */
final class ProbeValidation {
    private ProbeValidation() {}

    static void probe(Probe probe, FieldPath path, boolean succeedsOnce, ErrorList errors) {
        switch (probe.getActionCase()) {
            case EXEC -> {
                if (probe.getExec().getCommandCount() == 0) {
                    errors.required(path.child("exec").child("command"));
                }
            }
            case HTTP_GET -> httpGet(probe.getHttpGet(), path.child("httpGet"), errors);
            case TCP_SOCKET ->
                portNumberOrName(
                        probe.getTcpSocket().getPort(), path.child("tcpSocket").child("port"), errors);
            case ACTION_NOT_SET -> errors.add(path, "must specify exactly one of exec, httpGet or tcpSocket");
        }
        errors.notNegative(path.child("initialDelaySeconds"), probe.getInitialDelaySeconds());
        if (probe.hasTimeoutSeconds()) {
            errors.atLeast(path.child("timeoutSeconds"), probe.getTimeoutSeconds(), 1);
        }
        if (probe.hasPeriodSeconds()) {
            errors.atLeast(path.child("periodSeconds"), probe.getPeriodSeconds(), 1);
        }
        if (probe.hasSuccessThreshold()) {
            FieldPath successThreshold = path.child("successThreshold");
            if (probe.getSuccessThreshold() < 1) {
                errors.atLeast(successThreshold, probe.getSuccessThreshold(), 1);
            } else if (succeedsOnce && probe.getSuccessThreshold() != 1) {
                errors.add(
                        successThreshold,
                        "must be 1 for liveness and startup probes, got " + probe.getSuccessThreshold());
            }
        }
        if (probe.hasFailureThreshold()) {
            errors.atLeast(path.child("failureThreshold"), probe.getFailureThreshold(), 1);
        }
    }

    private static void httpGet(HttpGetAction action, FieldPath path, ErrorList errors) {
        portNumberOrName(action.getPort(), path.child("port"), errors);
        errors.specified(path.child("scheme"), action.getScheme());
        for (int i = 0; i < action.getHttpHeadersCount(); i++) {
            HttpHeader header = action.getHttpHeaders(i);
            FieldPath name = path.child("httpHeaders").index(i).child("name");
            if (header.getName().isEmpty()) {
                errors.required(name);
            } else {
                errors.add(name, Names.httpHeaderName(header.getName()));
            }
        }
        if (action.hasBodyMatch()) {
            bodyMatch(action.getBodyMatch(), path.child("bodyMatch"), errors);
        }
    }

    /** Capstan's extension of an HTTP probe: a valid regular expression and JSON Pointer. */
    private static void bodyMatch(HttpBodyMatch match, FieldPath path, ErrorList errors) {
        if (match.getContains().isEmpty() && match.getMatches().isEmpty() && !match.hasJsonPointer()) {
            errors.add(path, "must specify at least one of contains, matches or jsonPointer");
        }
        if (!match.getMatches().isEmpty()) {
            try {
                Pattern.compile(match.getMatches());
            } catch (PatternSyntaxException e) {
                errors.add(path.child("matches"), "not a regular expression: " + e.getDescription());
            }
        }
        if (match.hasJsonPointer()) {
            String pointer = match.getJsonPointer();
            if (!pointer.isEmpty() && !pointer.startsWith("/")) {
                errors.add(path.child("jsonPointer"), "must be empty or start with \"/\", got \"" + pointer + "\"");
            } else if (pointer.matches(".*~([^01].*|$)")) {
                errors.add(path.child("jsonPointer"), "\"~\" must be followed by 0 or 1, got \"" + pointer + "\"");
            }
        }
    }

    /** A port given by number (1-65535) or by a container port's name (an IANA service name). */
    static void portNumberOrName(IntOrString port, FieldPath path, ErrorList errors) {
        switch (port.getValueCase()) {
            case INT_VAL -> errors.port(path, port.getIntVal());
            case STR_VAL -> {
                if (port.getStrVal().isEmpty()) {
                    errors.required(path);
                } else {
                    errors.add(path, Names.ianaServiceName(port.getStrVal()));
                }
            }
            case VALUE_NOT_SET -> errors.required(path);
        }
    }
}
