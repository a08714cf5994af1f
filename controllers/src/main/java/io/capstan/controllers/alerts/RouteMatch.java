package io.capstan.controllers.alerts;

import io.capstan.proto.api.v1.AlertMatch;
import io.capstan.proto.api.v1.Event;

/** Whether an Event is one a route's {@link AlertMatch} takes; an empty list takes any value. */
final class RouteMatch {
    private RouteMatch() {}

    static boolean matches(AlertMatch match, Event event) {
        String type = Alert.typeName(event.getType());
        boolean typeOk = match.getTypesCount() == 0
                ? type.equals("Warning")
                : match.getTypesList().contains(type);
        return typeOk
                && (match.getReasonsCount() == 0 || match.getReasonsList().contains(event.getReason()))
                && (match.getNamespacesCount() == 0
                        || match.getNamespacesList()
                                .contains(event.getMetadata().getNamespace()))
                && (match.getKindsCount() == 0
                        || match.getKindsList()
                                .contains(event.getInvolvedObject().getKind()));
    }
}
