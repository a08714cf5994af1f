package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.AlertMatch;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.AlertRouteSpec;
import io.capstan.proto.api.v1.AlertWebhook;
import io.capstan.proto.api.v1.HttpHeader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/** The rules of an AlertRoute (a Capstan kind): a webhook URL that can be posted to, sane periods. */
final class AlertRouteValidation {
    private static final FieldPath SPEC = FieldPath.of("spec");
    private static final List<String> TYPES = List.of("Normal", "Warning");

    private AlertRouteValidation() {}

    static void alertRoute(AlertRoute route, ErrorList errors) {
        AlertRouteSpec spec = route.getSpec();
        FieldPath webhook = SPEC.child("webhook");
        if (!spec.hasWebhook()) {
            errors.required(webhook);
        } else {
            webhook(spec.getWebhook(), webhook, errors);
        }
        if (spec.hasGroupWindowSeconds()) {
            errors.notNegative(SPEC.child("groupWindowSeconds"), spec.getGroupWindowSeconds());
        }
        match(spec.getMatch(), SPEC.child("match"), errors);
    }

    private static void webhook(AlertWebhook webhook, FieldPath at, ErrorList errors) {
        FieldPath url = at.child("url");
        if (webhook.getUrl().isEmpty()) {
            errors.required(url);
        } else {
            try {
                URI uri = new URI(webhook.getUrl());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    errors.add(url, "must be an http:// or https:// URL, got \"" + webhook.getUrl() + "\"");
                } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    errors.add(url, "must name a host, got \"" + webhook.getUrl() + "\"");
                }
            } catch (URISyntaxException e) {
                errors.add(url, "not a URL: " + e.getMessage());
            }
        }
        for (int i = 0; i < webhook.getHeadersCount(); i++) {
            HttpHeader header = webhook.getHeaders(i);
            FieldPath name = at.child("headers").index(i).child("name");
            if (header.getName().isEmpty()) {
                errors.required(name);
            } else {
                errors.add(name, Names.httpHeaderName(header.getName()));
            }
        }
        if (webhook.hasTimeoutSeconds()) {
            errors.atLeast(at.child("timeoutSeconds"), webhook.getTimeoutSeconds(), 1);
        }
    }

    private static void match(AlertMatch match, FieldPath at, ErrorList errors) {
        for (int i = 0; i < match.getNamespacesCount(); i++) {
            errors.add(at.child("namespaces").index(i), Names.dns1123Label(match.getNamespaces(i)));
        }
        for (int i = 0; i < match.getReasonsCount(); i++) {
            if (match.getReasons(i).isEmpty()) {
                errors.required(at.child("reasons").index(i));
            }
        }
        for (int i = 0; i < match.getKindsCount(); i++) {
            if (match.getKinds(i).isEmpty()) {
                errors.required(at.child("kinds").index(i));
            }
        }
        for (int i = 0; i < match.getTypesCount(); i++) {
            if (!TYPES.contains(match.getTypes(i))) {
                errors.add(
                        at.child("types").index(i), "must be one of " + TYPES + ", got \"" + match.getTypes(i) + "\"");
            }
        }
    }
}
