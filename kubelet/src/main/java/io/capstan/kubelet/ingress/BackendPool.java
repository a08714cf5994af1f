package io.capstan.kubelet.ingress;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Kept-alive connections to endpoints, one pool per event loop so that a client connection and the
 * backend connection it uses share a thread. A connection is taken for one request and given back
 * when the answer came whole and the backend keeps it alive; an idle one the backend closes leaves
 * the pool by itself.
 */
final class BackendPool {
    /** A connection to an endpoint; {@code reused} when it served an earlier request. */
    record Connection(Channel channel, InetSocketAddress endpoint, boolean reused) {
        BackendHandler handler() {
            return channel.pipeline().get(BackendHandler.class);
        }
    }

    private final Bootstrap bootstrap;
    private final int maxIdlePerEndpoint;
    private final ChannelGroup all;
    // each inner map is used only on its event loop
    private final ConcurrentHashMap<EventLoop, Map<InetSocketAddress, ArrayDeque<Channel>>> idle =
            new ConcurrentHashMap<>();

    BackendPool(IngressConfig config, ChannelGroup all) {
        this.maxIdlePerEndpoint = config.maxIdlePerEndpoint();
        this.all = all;
        long idleMillis = config.idleTimeout().toMillis();
        int maxBody = config.maxBodyBytes();
        this.bootstrap = new Bootstrap()
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                                .addLast("codec", new HttpClientCodec())
                                .addLast("aggregator", new HttpObjectAggregator(maxBody))
                                .addLast("backend", new BackendHandler());
                    }
                });
    }

    /** An idle connection to {@code endpoint} on {@code loop}, or a new one. Call on {@code loop}. */
    Future<Connection> acquire(EventLoop loop, InetSocketAddress endpoint) {
        ArrayDeque<Channel> channels = idle(loop, endpoint);
        Channel channel;
        while ((channel = channels.pollLast()) != null) {
            if (channel.isActive()) {
                return loop.newSucceededFuture(new Connection(channel, endpoint, true));
            }
        }
        Promise<Connection> promise = loop.newPromise();
        bootstrap.clone(loop).connect(endpoint).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            all.add(f.channel());
            promise.trySuccess(new Connection(f.channel(), endpoint, false));
        });
        return promise;
    }

    /** Gives {@code connection} back for the next request, or closes it when the pool is full. */
    void release(Connection connection) {
        Channel channel = connection.channel();
        if (!channel.isActive()) {
            return;
        }
        ArrayDeque<Channel> channels = idle(channel.eventLoop(), connection.endpoint());
        if (channels.size() >= maxIdlePerEndpoint) {
            channel.close();
            return;
        }
        channels.addLast(channel);
        if (!connection.reused()) {
            channel.closeFuture().addListener(f -> channels.remove(channel));
        }
    }

    private ArrayDeque<Channel> idle(EventLoop loop, InetSocketAddress endpoint) {
        return idle.computeIfAbsent(loop, l -> new HashMap<>()).computeIfAbsent(endpoint, e -> new ArrayDeque<>());
    }
}
