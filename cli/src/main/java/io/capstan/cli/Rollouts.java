package io.capstan.cli;

import io.capstan.client.ApiException;
import io.capstan.client.Kind;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;

/** What the {@code capstan rollout} verbs share: the deployment they name and its ReplicaSets. */
final class Rollouts {
    static final ResourceType DEPLOYMENTS = ResourceType.of(Kind.DEPLOYMENT);

    private Rollouts() {}

    /**
     * The deployment {@code args} name ({@code deployment/web} or {@code deployment web}).
     *
     * @throws CommandException for another type or more than one object
     */
    static ObjectRef deployment(List<String> args, String verb) {
        List<ObjectRef> refs = ObjectRef.parse(args);
        if (refs.size() != 1) {
            throw new CommandException("rollout " + verb + " takes one deployment, got " + refs.size());
        }
        ObjectRef ref = refs.get(0);
        if (ref.type().kind() != Kind.DEPLOYMENT) {
            throw new CommandException(
                    "rollout " + verb + " is not supported for " + ref.type().plural() + ": only for deployments");
        }
        return ref;
    }

    /** The deployment, or a {@link CommandException} in kubectl's words. */
    static Deployment get(ObjectClient client, String namespace, String name) {
        try {
            return client.deployments().get(namespace, name);
        } catch (ApiException e) {
            throw new CommandException(Errors.about(e, DEPLOYMENTS, name), e);
        }
    }

    /** The ReplicaSets whose controller is {@code deployment}. */
    static List<ReplicaSet> owned(ObjectClient client, Deployment deployment) {
        String uid = deployment.getMetadata().getUid();
        return client
                .listAll(
                        "ReplicaSet",
                        ListOptions.inNamespace(deployment.getMetadata().getNamespace()))
                .items()
                .stream()
                .map(o -> o.getReplicaSet())
                .filter(rs -> rs.getMetadata().getOwnerReferencesList().stream()
                        .anyMatch(
                                owner -> owner.getController() && owner.getUid().equals(uid)))
                .toList();
    }

    /**
     * Applies {@code mergePatch} to the deployment, guarded by {@code resourceVersion}.
     *
     * @throws CommandException on any failure, in kubectl's words
     */
    static void patch(ObjectClient client, Deployment deployment, String mergePatch) {
        String name = deployment.getMetadata().getName();
        try {
            client.patch("Deployment", deployment.getMetadata().getNamespace(), name, mergePatch);
        } catch (ApiException e) {
            throw new CommandException(Errors.about(e, DEPLOYMENTS, name), e);
        }
    }

    /** {@code deployment "web" ...} as kubectl names a deployment in errors. */
    static String quoted(String name) {
        return DEPLOYMENTS.qualifiedPlural() + " \"" + name + "\"";
    }
}
