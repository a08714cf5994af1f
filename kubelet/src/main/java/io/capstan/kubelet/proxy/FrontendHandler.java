package io.capstan.kubelet.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one accepted client connection to an endpoint: picks one (round-robin), connects to it on
 * the client's event loop, tries the next endpoint when the connect fails (see {@link
 * ConnectPlan}), and then hands both channels to a {@link Relay}. The client's channel does not read
 * until the endpoint is connected (autoRead off), so nothing is buffered meanwhile.
 *
 * <p>With no ready endpoint, or none that accepts within the attempts, the client's connection is
 * reset at once (SO_LINGER 0, so the client sees a reset rather than a clean end of stream): the
 * nearest a proxy that has accepted can come to kube-proxy's REJECT, which refuses connections to
 * a service without endpoints. A client thus fails fast and can tell failure from an empty answer.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private final ServicePortName target;
    private final @Nullable RoundRobin balancer;
    private final ServiceCounters counters;
    private final ProxyConfig config;
    private @Nullable ConnectPlan plan;
    private @Nullable Channel connecting;

    FrontendHandler(
            ServicePortName target, @Nullable RoundRobin balancer, ServiceCounters counters, ProxyConfig config) {
        this.target = target;
        this.balancer = balancer;
        this.counters = counters;
        this.config = config;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        counters.accepted();
        client.closeFuture().addListener(f -> counters.closed());
        if (balancer == null || balancer.isEmpty()) {
            reject(client, "no ready endpoint");
            return;
        }
        plan = new ConnectPlan(balancer, config.maxConnectAttempts());
        connectNext(ctx);
    }

    private void connectNext(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        ConnectPlan current = plan;
        Optional<InetSocketAddress> next = current == null ? Optional.empty() : current.next();
        if (next.isEmpty()) {
            reject(
                    client,
                    current == null ? "no ready endpoint" : "no endpoint accepted " + current.attempts() + " connects");
            return;
        }
        InetSocketAddress endpoint = next.get();
        ChannelFuture connect = new Bootstrap()
                .group(client.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // the relay's handler joins once connected
                    }
                })
                .connect(endpoint);
        connecting = connect.channel();
        connect.addListener((ChannelFuture f) -> {
            connecting = null;
            Channel backend = f.channel();
            if (!client.isActive()) {
                Relay.close(backend);
                return;
            }
            if (f.isSuccess()) {
                Relay relay = new Relay(client, backend);
                backend.pipeline().addLast("relay", relay.side(backend));
                ctx.pipeline().replace(this, "relay", relay.side(client));
                relay.start();
                log.debug("Proxying {} from {} to {}", target, client.remoteAddress(), endpoint);
            } else if (ConnectPlan.isRetriable(f.cause())) {
                log.debug(
                        "Connect to {} for {} failed ({}), trying another endpoint",
                        endpoint,
                        target,
                        f.cause().toString());
                connectNext(ctx);
            } else {
                log.debug("Connect to {} for {} failed", endpoint, target, f.cause());
                reject(client, "connect failed: " + f.cause());
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Channel pending = connecting;
        if (pending != null) {
            Relay.close(pending);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            Relay.close(ctx.channel());
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Client connection for {} failed before reaching an endpoint", target, cause);
        Relay.close(ctx.channel());
    }

    private void reject(Channel client, String why) {
        counters.rejected();
        log.debug("Resetting connection from {} to {}: {}", client.remoteAddress(), target, why);
        client.config().setOption(ChannelOption.SO_LINGER, 0);
        Relay.close(client);
    }
}
