package io.capstan.kubelet.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import io.capstan.kubelet.runtime.ImageException;
import io.capstan.kubelet.runtime.ImageRef;
import io.capstan.kubelet.runtime.PullPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images of a Docker engine, as {@link DockerRuntime#ensureImage} needs them: a present image is
 * used (IfNotPresent, Never) and an absent one pulled (not Never). Always pulls every time but falls
 * back to the present image, with a warning, when the pull fails: no registry may be reachable, and
 * a node that has the image should still run it. A failed pull is an {@link ImageException}
 * "ErrImagePull" with the engine's message; a pull that takes longer than the pull timeout fails.
 */
final class DockerImages {
    private static final Logger log = LoggerFactory.getLogger(DockerImages.class);

    private final DockerClient client;
    private final Duration pullTimeout;

    DockerImages(DockerClient client, Duration pullTimeout) {
        this.client = client;
        this.pullTimeout = pullTimeout;
    }

    ImageRef ensure(String image, PullPolicy policy) throws ImageException {
        Optional<String> present = imageId(image);
        switch (policy) {
            case NEVER -> {
                return new ImageRef(
                        image,
                        present.orElseThrow(() -> new ImageException(
                                "ErrImageNeverPull",
                                "image " + image + " is not present and the pull policy is Never")),
                        false);
            }
            case IF_NOT_PRESENT -> {
                return present.isPresent() ? new ImageRef(image, present.get(), false) : pull(image);
            }
            case ALWAYS -> {
                try {
                    return pull(image);
                } catch (ImageException e) {
                    if (present.isEmpty()) {
                        throw e;
                    }
                    log.warn("Pulling {} failed, using the image already present: {}", image, e.getMessage());
                    return new ImageRef(image, present.get(), false);
                }
            }
        }
        throw new AssertionError(policy);
    }

    private Optional<String> imageId(String image) throws ImageException {
        try {
            return Optional.ofNullable(client.inspectImageCmd(image).exec().getId());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new ImageException("ErrImagePull", "image " + image + ": " + DockerEngine.message(e), e);
        }
    }

    private ImageRef pull(String image) throws ImageException {
        long started = System.nanoTime();
        AtomicReference<@Nullable String> streamError = new AtomicReference<>();
        DockerStream<PullResponseItem> stream = new DockerStream<>(new DockerStream.Handler<>() {
            @Override
            public void item(PullResponseItem item) {
                if (item.isErrorIndicated()) {
                    streamError.set(
                            item.getErrorDetail() != null
                                    ? item.getErrorDetail().getMessage()
                                    : item.getError());
                }
            }

            @Override
            public void ended(@Nullable Throwable error) {}
        });
        try {
            // Without a tag the engine pulls every tag of the repository: say latest.
            int slash = image.lastIndexOf('/');
            int colon = image.lastIndexOf(':');
            var command = image.contains("@") || colon > slash
                    ? client.pullImageCmd(image)
                    : client.pullImageCmd(image).withTag("latest");
            command.exec(stream);
            if (!stream.await(pullTimeout)) {
                stream.close();
                throw new ImageException("ErrImagePull", "pulling image " + image + " timed out after " + pullTimeout);
            }
        } catch (InterruptedException e) {
            stream.close();
            Thread.currentThread().interrupt();
            throw new ImageException("ErrImagePull", "pulling image " + image + " was interrupted", e);
        } catch (RuntimeException e) {
            throw new ImageException("ErrImagePull", "pulling image " + image + ": " + DockerEngine.message(e), e);
        }
        Throwable error = stream.error();
        if (error != null) {
            throw new ImageException(
                    "ErrImagePull", "pulling image " + image + ": " + DockerEngine.message(error), error);
        }
        Optional<String> pulled = imageId(image);
        if (pulled.isEmpty()) {
            String detail = streamError.get();
            throw new ImageException(
                    "ErrImagePull",
                    "pulling image " + image + ": " + (detail != null ? detail : "the image is still not present"));
        }
        log.info("Pulled image {} id={} in {} ms", image, pulled.get(), (System.nanoTime() - started) / 1_000_000);
        return new ImageRef(image, pulled.get(), true);
    }
}
