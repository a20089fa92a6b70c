package dev.specula.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One scrape of a Prometheus endpoint, as Prometheus makes it: an HTTP GET of {@code /metrics}. */
final class PrometheusScrape {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private PrometheusScrape() {
    }

    /**
     * Scrapes {@code http://127.0.0.1:port/metrics} and returns the exposition's length in bytes.
     *
     * @throws IOException when the endpoint cannot be reached, answers other than 200, or exposes no Specula metric
     */
    static long scrape(int port) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + port + "/metrics");
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(uri + ": HTTP " + response.statusCode() + " (expected: 200)");
        }
        if (!response.body().contains("specula_")) {
            throw new IOException(uri + ": no specula_ metric in " + response.body().length()
                    + " characters (expected: the service's metrics)");
        }
        return response.body().length();
    }
}
