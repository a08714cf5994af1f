package io.capstan.controllers.alerts;

import io.capstan.proto.api.v1.AlertWebhook;
import io.capstan.proto.api.v1.HttpHeader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/** POSTs alerts to webhooks; the calling thread waits, and an interrupt cancels the request. */
final class WebhookSender {
    private static final int DEFAULT_TIMEOUT_SECONDS = 5;
    private final HttpClient http;

    WebhookSender(HttpClient http) {
        this.http = http;
    }

    static WebhookSender create() {
        return new WebhookSender(HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    /** Null when the webhook answered 2xx, else why the attempt failed. */
    @Nullable
    String post(AlertWebhook webhook, Alert alert) throws InterruptedException {
        int timeoutSeconds =
                webhook.hasTimeoutSeconds() ? Math.max(1, webhook.getTimeoutSeconds()) : DEFAULT_TIMEOUT_SECONDS;
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(webhook.getUrl()))
                    .timeout(Duration.ofSeconds(timeoutSeconds))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", alert.key())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(alert.body()));
            for (HttpHeader header : webhook.getHeadersList()) {
                request.setHeader(header.getName(), header.getValue());
            }
        } catch (IllegalArgumentException e) {
            return "invalid webhook request: " + e.getMessage();
        }
        CompletableFuture<HttpResponse<String>> future =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        try {
            HttpResponse<String> response = future.get();
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return null;
            }
            String body = response.body();
            return "webhook answered " + status + (body.isBlank() ? "" : ": " + abbreviate(body.strip()));
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "POST " + webhook.getUrl() + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
