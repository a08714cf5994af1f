package io.capstan.kubelet.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's DNS server: the cluster domain's records ({@link ClusterZone}) on UDP and TCP (each
 * TCP message preceded by its 2-byte length, RFC 1035 4.2.2), on one address and port for both.
 *
 * <p><b>What it promises.</b>
 *
 * <ul>
 *   <li>Answers follow the {@link ServiceLookup} as it is at each query, so they change as soon as
 *       the informers behind it do.
 *   <li>Both sockets bind with SO_REUSEPORT (and SO_REUSEADDR), as the service proxy's listeners
 *       do, so the kubelets of one host all serve the same port and it keeps answering when one
 *       of them stops.
 *   <li>Every readable query gets an answer (see {@link Responder}); UDP answers larger than the
 *       client accepts are truncated with TC set, and the same query over TCP gets the whole answer.
 *   <li>A TCP connection may carry many queries; one idle for {@link #TCP_IDLE} is closed.
 * </ul>
 *
 * <p><b>Threads.</b> One Netty event loop, which also computes the answers (from in-memory caches);
 * forwarded queries wait on dnsjava's selector thread, never on the event loop. Thread-safe.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    static final Duration TCP_IDLE = Duration.ofSeconds(30);
    private static final int MAX_BIND_ATTEMPTS = 5;

    private final EventLoopGroup group;
    private final Channel udp;
    private final Channel tcp;
    private final InetSocketAddress address;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DnsServer(EventLoopGroup group, Channel udp, Channel tcp) {
        this.group = group;
        this.udp = udp;
        this.tcp = tcp;
        this.address = (InetSocketAddress) udp.localAddress();
    }

    /**
     * Binds UDP and TCP on {@code config.address()} and serves until closed. With port 0 both get
     * the same free port.
     *
     * @throws UncheckedIOException when either socket cannot be bound (the port is held by a socket
     *     without SO_REUSEPORT, or is privileged)
     */
    public static DnsServer start(DnsConfig config, ServiceLookup lookup) throws InterruptedException {
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("kubelet-dns", true));
        try {
            InetSocketAddress upstreamAddress = config.upstream();
            Upstream upstream =
                    upstreamAddress == null ? null : new Upstream(upstreamAddress, config.upstreamTimeout(), group);
            Responder responder =
                    new Responder(new ClusterZone(config.clusterDomain(), config.ttl()), lookup, upstream);
            DnsServer server = bind(group, config.address(), responder);
            log.info(
                    "Cluster DNS serves {} on {} (UDP and TCP), upstream {}",
                    config.clusterDomain(),
                    server.address(),
                    upstreamAddress == null ? "none" : upstreamAddress);
            return server;
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static DnsServer bind(EventLoopGroup group, InetSocketAddress requested, Responder responder)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Channel udp = bindUdp(group, requested, responder);
            InetSocketAddress bound = (InetSocketAddress) udp.localAddress();
            try {
                Channel tcp = bindTcp(group, new InetSocketAddress(requested.getAddress(), bound.getPort()), responder);
                return new DnsServer(group, udp, tcp);
            } catch (UncheckedIOException e) {
                udp.close().sync();
                // with port 0 the UDP port's TCP twin may be taken: try another free port
                if (requested.getPort() != 0 || attempt >= MAX_BIND_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static Channel bindUdp(EventLoopGroup group, InetSocketAddress address, Responder responder)
            throws InterruptedException {
        var bind = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new UdpHandler(responder))
                .bind(address)
                .await();
        if (!bind.isSuccess()) {
            throw new UncheckedIOException("cannot bind DNS on udp " + address, asIo(bind.cause()));
        }
        return bind.channel();
    }

    private static Channel bindTcp(EventLoopGroup group, InetSocketAddress address, Responder responder)
            throws InterruptedException {
        long idleMillis = TCP_IDLE.toMillis();
        var bind = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                                .addLast("frame", new LengthFieldBasedFrameDecoder(Responder.TCP_BYTES, 0, 2, 0, 2))
                                .addLast("length", new LengthFieldPrepender(2))
                                .addLast("dns", new TcpHandler(responder));
                    }
                })
                .bind(address)
                .await();
        if (!bind.isSuccess()) {
            throw new UncheckedIOException("cannot bind DNS on tcp " + address, asIo(bind.cause()));
        }
        return bind.channel();
    }

    private static IOException asIo(@Nullable Throwable cause) {
        return cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
    }

    /** Where it listens, UDP and TCP alike (the port chosen when the config asked for 0). */
    public InetSocketAddress address() {
        return address;
    }

    /** Closes both sockets and open TCP connections, and stops the event loop; waits up to about 5 s. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        udp.close();
        tcp.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        log.info("Cluster DNS on {} stopped", address);
    }

    /** One datagram, one answer, to its sender. */
    private static final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Responder responder;

        UdpHandler(Responder responder) {
            this.responder = responder;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress sender = packet.sender();
            byte[] query = ByteBufUtil.getBytes(packet.content());
            responder
                    .respond(query, Responder.Transport.UDP)
                    .thenAccept(answer -> answer.ifPresent(bytes ->
                            ctx.channel().writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), sender))));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a datagram socket outlives any one bad packet or unreachable sender
            log.debug("DNS over UDP: {}", cause.toString());
        }
    }

    /** Length-prefixed queries on one connection, each answered as soon as it is ready. */
    private static final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final Responder responder;

        TcpHandler(Responder responder) {
            this.responder = responder;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            byte[] query = ByteBufUtil.getBytes(frame);
            responder.respond(query, Responder.Transport.TCP).thenAccept(answer -> {
                if (answer.isPresent()) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(answer.get()));
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, event);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("DNS over TCP from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
