package io.capstan.kubelet.server;

import com.google.protobuf.ByteString;
import io.capstan.client.ApiException;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KubeletClientToken} read through the object API from the Secret the API servers create:
 * once on {@link #start}, then every {@code period}, and on {@link #refresh} (a caller presented
 * another token: the Secret may have been replaced) at most once per {@code minRefreshInterval}.
 * A failed read keeps the token known before, so an API server that is briefly unreachable does not
 * lock the API servers out of this kubelet.
 */
public final class SecretKubeletClientToken implements KubeletClientToken, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SecretKubeletClientToken.class);

    private final ObjectClient api;
    private final InstantSource clock;
    private final Duration period;
    private final Duration minRefreshInterval;
    private final ScheduledExecutorService timer;
    private final Object mu = new Object();
    // guarded by mu
    private @Nullable Instant lastRead;
    private volatile Optional<String> token = Optional.empty();

    /** Re-read every minute, and on a mismatch at most once every 5 seconds. */
    public static SecretKubeletClientToken withDefaults(ObjectClient api, InstantSource clock) {
        return new SecretKubeletClientToken(api, clock, Duration.ofMinutes(1), Duration.ofSeconds(5));
    }

    /**
     * @param api the kubelet's client of the object API; its calls should have a short deadline,
     *     since {@link #refresh} may run on a call's thread
     */
    public SecretKubeletClientToken(
            ObjectClient api, InstantSource clock, Duration period, Duration minRefreshInterval) {
        this.api = api;
        this.clock = clock;
        this.period = period;
        this.minRefreshInterval = minRefreshInterval;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kubelet-client-token");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Reads the Secret now (a failure is logged, not thrown) and then every period. */
    public SecretKubeletClientToken start() {
        read();
        timer.scheduleWithFixedDelay(this::read, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public Optional<String> current() {
        return token;
    }

    @Override
    public void refresh() {
        synchronized (mu) {
            Instant last = lastRead;
            if (last != null && clock.instant().isBefore(last.plus(minRefreshInterval))) {
                return;
            }
        }
        read();
    }

    private void read() {
        synchronized (mu) {
            lastRead = clock.instant();
        }
        try {
            Secret secret = api.secrets().get(SECRET_NAMESPACE, SECRET_NAME);
            ByteString value = secret.getDataMap().get(KEY);
            if (value == null || value.isEmpty()) {
                log.warn("Secret {}/{} has no \"{}\"; refusing every caller", SECRET_NAMESPACE, SECRET_NAME, KEY);
                token = Optional.empty();
                return;
            }
            token = Optional.of(value.toString(StandardCharsets.UTF_8));
        } catch (NotFoundException e) {
            log.warn(
                    "Secret {}/{} does not exist (yet); refusing every caller until an API server creates it",
                    SECRET_NAMESPACE,
                    SECRET_NAME);
            token = Optional.empty();
        } catch (ApiException e) {
            log.warn(
                    "Cannot read Secret {}/{}, keeping the token read before: {}",
                    SECRET_NAMESPACE,
                    SECRET_NAME,
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
