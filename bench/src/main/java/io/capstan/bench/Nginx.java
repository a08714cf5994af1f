package io.capstan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The nginx that {@link IngressBench} compares with: a configuration of its own for one run (2
 * workers, kept-alive upstream connections to the bench's backends, every path it writes inside
 * the run's directory), started as a child process and stopped by its pid.
 */
final class Nginx {
    private Nginx() {}

    /** nginx's master and workers, or nothing when the bench did not start it. */
    static List<Long> pids(@Nullable Process nginx) {
        if (nginx == null) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        pids.add(nginx.pid());
        nginx.descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    static void writeConfig(Path dir, int port, List<Integer> backendPorts) throws IOException {
        Files.createDirectories(dir.resolve("temp"));
        Files.createDirectories(dir.resolve("logs"));
        StringBuilder upstream = new StringBuilder();
        for (int p : backendPorts) {
            upstream.append("        server 127.0.0.1:").append(p).append(";\n");
        }
        String d = dir.toAbsolutePath().toString();
        String conf = """
                # written by IngressBench for one run: everything it writes stays in %1$s
                worker_processes 2;
                daemon off;
                master_process on;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events {
                    worker_connections 4096;
                }
                http {
                    access_log off;
                    client_body_temp_path %1$s/temp/client_body;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    keepalive_requests 1000000;
                    upstream bench {
                %2$s        keepalive 128;
                    }
                    server {
                        listen 127.0.0.1:%3$d;
                        server_name %4$s;
                        location / {
                            proxy_pass http://bench;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $host;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_set_header X-Forwarded-Host $host;
                            proxy_set_header X-Forwarded-Proto $scheme;
                        }
                    }
                }
                """.formatted(d, upstream, port, IngressBench.HOST);
        Files.writeString(dir.resolve("nginx.conf"), conf);
    }

    /** Starts {@code binary -p DIR -c DIR/nginx.conf} as a child, its output in DIR/nginx.out. */
    static Process start(String binary, Path dir) throws IOException {
        Path d = dir.toAbsolutePath();
        return new ProcessBuilder(
                        binary,
                        "-p",
                        d.toString(),
                        "-c",
                        d.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(d.resolve("nginx.out").toFile())
                .start();
    }

    /** SIGTERM to exactly this child (nginx's master stops its workers), then SIGKILL after 10 s. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
