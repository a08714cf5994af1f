package io.capstan.controllers.manager;

import io.capstan.client.ObjectClient;
import io.capstan.client.leaderelection.LeaderCallbacks;
import io.capstan.client.leaderelection.LeaderElectionConfig;
import io.capstan.client.leaderelection.LeaderElector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the controllers while this process holds the controller-manager's Lease, and only then, as
 * kube-controller-manager does: several instances may run for availability, exactly one acts.
 * Leadership lost (the lease could not be renewed within the renew deadline, or another holder is
 * seen) stops every controller at once; the instance then keeps campaigning and starts a fresh set
 * of controllers, with fresh caches, if it wins again.
 *
 * <p>Without leader election ({@code election} empty) the controllers start at once.
 */
public final class ControllerManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerManager.class);

    /** One controller (or a group of them) that the manager starts and stops as a whole. */
    public interface Component extends AutoCloseable {
        void start();

        @Override
        void close();
    }

    private final ObjectClient client;
    private final Function<ObjectClient, List<Component>> controllers;
    private final @Nullable LeaderElector elector;
    private final List<Component> running = new ArrayList<>();
    private volatile int startedCount;
    private volatile boolean leading;

    public ControllerManager(
            ObjectClient client,
            Optional<LeaderElectionConfig> election,
            Function<ObjectClient, List<Component>> controllers) {
        this.client = client;
        this.controllers = controllers;
        this.elector = election.map(config -> LeaderElector.create(client, config, new LeaderCallbacks() {
                    @Override
                    public void onStartedLeading() {
                        log.info("became leader ({}): starting the controllers", config.identity());
                        startControllers();
                    }

                    @Override
                    public void onStoppedLeading() {
                        log.warn("lost leadership ({}): stopping the controllers at once", config.identity());
                        stopControllers();
                    }

                    @Override
                    public void onNewLeader(String identity) {
                        log.info("the controller-manager leader is now {}", identity);
                    }
                }))
                .orElse(null);
    }

    public ControllerManager start() {
        if (elector == null) {
            startControllers();
        } else {
            elector.start();
        }
        return this;
    }

    /** Whether this instance's controllers are running now. */
    public boolean isLeading() {
        return leading;
    }

    /** How many times this instance has started its controllers. */
    public int startedCount() {
        return startedCount;
    }

    private synchronized void startControllers() {
        if (leading) {
            return;
        }
        List<Component> components = controllers.apply(client);
        for (Component component : components) {
            component.start();
            running.add(component);
        }
        leading = true;
        startedCount++;
    }

    private synchronized void stopControllers() {
        leading = false;
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (RuntimeException e) {
                log.warn("stopping a controller failed", e);
            }
        }
        running.clear();
    }

    @Override
    public void close() {
        if (elector != null) {
            elector.close();
        }
        stopControllers();
    }
}
