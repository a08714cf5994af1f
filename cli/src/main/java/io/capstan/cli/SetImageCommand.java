package io.capstan.cli;

import io.capstan.client.ConflictException;
import io.capstan.client.Kind;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.TypedObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code capstan set image deployment/web main=nginx:1.27}: sets the image of containers (init
 * containers too) of a deployment's or replicaset's pod template, or of a pod, by an update
 * guarded by the resourceVersion it read (re-read on a conflict). Prints {@code deployment/web
 * image updated}.
 */
@Command(
        name = "image",
        mixinStandardHelpOptions = true,
        description = {
            "Update the images of containers of deployments, replicasets or pods.",
            "CONTAINER=IMAGE sets one container's image; *=IMAGE sets every container's."
        })
final class SetImageCommand implements Callable<Integer> {
    private static final int MAX_ATTEMPTS = 5;

    @ParentCommand
    @Nullable
    SetCommand set;

    @Spec
    @Nullable
    CommandSpec spec;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Mixin
    NamespaceOption namespace = new NamespaceOption();

    @Parameters(
            paramLabel = "(TYPE NAME... | TYPE/NAME...) CONTAINER=IMAGE",
            arity = "1..*",
            description = "The objects, then the images to set.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        if (set == null) {
            throw new IllegalStateException("image runs under capstan set");
        }
        Capstan capstan = set.capstan();
        PrintWriter out = Verbs.out(spec);
        PrintWriter err = Verbs.err(spec);
        List<String> objects = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        for (String arg : args) {
            (ContainerImages.isPair(arg) ? pairs : objects).add(arg);
        }
        List<ObjectRef> refs = ObjectRef.parse(objects);
        ContainerImages images = ContainerImages.parse(pairs);
        for (ObjectRef ref : refs) {
            Kind<?> kind = ref.type().kind();
            if (kind != Kind.DEPLOYMENT && kind != Kind.REPLICA_SET && kind != Kind.POD) {
                throw new CommandException("cannot set images of " + ref.type().plural()
                        + ": only deployments, replicasets and pods have containers");
            }
        }
        List<ObjectBatch.Target> targets = new ArrayList<>();
        for (ObjectRef ref : refs) {
            targets.add(new ObjectBatch.Target(ref, namespace.namespace()));
        }
        return ObjectBatch.run(
                capstan,
                global,
                targets,
                (client, target) -> setImages(client, target.namespace(), target.ref(), images)
                        ? "image updated"
                        : "image unchanged",
                out,
                err);
    }

    /** Sets the images of one object; false when they were already so. */
    private static boolean setImages(ObjectClient client, String namespace, ObjectRef ref, ContainerImages images) {
        String kind = ref.type().kind().name();
        for (int attempt = 1; ; attempt++) {
            TypedObject current = client.get(kind, namespace, ref.name());
            TypedObject updated = withImages(current, images, ref);
            if (updated.equals(current)) {
                return false;
            }
            try {
                client.update(updated); // guarded: it carries the resourceVersion just read
                return true;
            } catch (ConflictException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * {@code object} with the images set.
     *
     * @throws CommandException if a named container is not in the object
     */
    static TypedObject withImages(TypedObject object, ContainerImages images, ObjectRef ref) {
        TypedObject.Builder builder = object.toBuilder();
        PodSpec.Builder pod = switch (object.getObjectCase()) {
            case DEPLOYMENT ->
                builder.getDeploymentBuilder()
                        .getSpecBuilder()
                        .getTemplateBuilder()
                        .getSpecBuilder();
            case REPLICA_SET ->
                builder.getReplicaSetBuilder()
                        .getSpecBuilder()
                        .getTemplateBuilder()
                        .getSpecBuilder();
            case POD -> builder.getPodBuilder().getSpecBuilder();
            default ->
                throw new CommandException("cannot set images of " + ref.type().plural());
        };
        Set<String> found = new HashSet<>();
        for (Container.Builder container : pod.getInitContainersBuilderList()) {
            setImage(container, images, found);
        }
        for (Container.Builder container : pod.getContainersBuilderList()) {
            setImage(container, images, found);
        }
        for (String name : images.images().keySet()) {
            if (!name.equals(ContainerImages.EVERY_CONTAINER) && !found.contains(name)) {
                throw new CommandException(
                        ref.type().ref(ref.name()) + ": unable to find container named \"" + name + "\"");
            }
        }
        return builder.build();
    }

    private static void setImage(Container.Builder container, ContainerImages images, Set<String> found) {
        String image = images.imageFor(container.getName());
        if (image != null) {
            container.setImage(image);
            found.add(container.getName());
        }
    }
}
