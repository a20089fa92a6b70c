package dev.specula.rpc.security;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live TLS material of one service, from its {@link TlsConfig}: grpc-util's key and trust managers, given
 * the PEM files again whenever one of them changed (checked every {@code refreshSeconds}), so a renewed
 * certificate is served to new connections without a restart, turned into gRPC server and channel credentials and, for the HTTP API, an
 * {@link SSLContext}. Closing it stops the reloading. A null {@code TlsCredentials} stands for plaintext in the
 * static helpers.
 */
public final class TlsCredentials implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TlsCredentials.class.getName());

    /** One daemon thread reloads the files of every service in the process; a reload takes microseconds. */
    private static final ScheduledExecutorService RELOADER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "specula-tls-reload");
        thread.setDaemon(true);
        return thread;
    });

    private final TlsConfig config;
    private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    // Servers check a client's chain only; clients also check that the server's certificate names the host.
    private final AdvancedTlsX509TrustManager clientTrust;
    private final AdvancedTlsX509TrustManager serverTrust;
    private final ScheduledFuture<?> reload;
    private volatile List<FileTime> modified;

    private TlsCredentials(TlsConfig config) throws IOException, GeneralSecurityException {
        this.config = config;
        if (config.caFile() == null) {
            clientTrust = null;
            serverTrust = null;
        } else {
            clientTrust = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION).build();
            serverTrust = AdvancedTlsX509TrustManager.newBuilder()
                    .setVerification(Verification.CERTIFICATE_ONLY_VERIFICATION).build();
        }
        modified = modificationTimes();
        load();
        // grpc-util's own file watching enforces a period of at least a minute; this one follows refreshSeconds.
        reload = RELOADER.scheduleWithFixedDelay(this::reloadIfChanged, config.refreshSeconds(),
                config.refreshSeconds(), TimeUnit.SECONDS);
    }

    /** Reads every file into the managers (grpc-util parses the PEM). */
    private void load() throws IOException, GeneralSecurityException {
        keys.updateIdentityCredentials(config.certFile().toFile(), config.keyFile().toFile());
        if (clientTrust != null) {
            clientTrust.updateTrustCredentials(config.caFile().toFile());
            serverTrust.updateTrustCredentials(config.caFile().toFile());
        }
    }

    /**
     * Reads the files again when one of them changed. A renewal should replace the key before the certificate, or
     * both at once as Kubernetes does with a mounted Secret; a pair read half-way is replaced at the next check.
     */
    private void reloadIfChanged() {
        try {
            List<FileTime> now = modificationTimes();
            if (now.equals(modified)) {
                return;
            }
            load();
            modified = now;
            LOG.info(() -> "tls: reloaded " + config.certFile() + ", " + config.keyFile()
                    + (config.caFile() == null ? "" : ", " + config.caFile()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.WARNING, "tls: cannot reload " + config.certFile() + ", " + config.keyFile()
                    + (config.caFile() == null ? "" : ", " + config.caFile()) + "; keeping the certificates read before", e);
        }
    }

    private List<FileTime> modificationTimes() throws IOException {
        List<FileTime> times = new ArrayList<>();
        for (Path file : new Path[] {config.certFile(), config.keyFile(), config.caFile()}) {
            if (file != null) {
                times.add(Files.getLastModifiedTime(file));
            }
        }
        return times;
    }

    /**
     * Reads the files of {@code config} and starts reloading them; null for a null config (plaintext).
     *
     * @throws IllegalArgumentException naming the files when they are not a PEM certificate chain, a PKCS#8
     *                                  private key and a PEM CA bundle
     */
    public static TlsCredentials open(TlsConfig config) {
        if (config == null) {
            return null;
        }
        try {
            return new TlsCredentials(config);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tls: cannot read certFile " + config.certFile() + ", keyFile "
                    + config.keyFile() + (config.caFile() == null ? "" : " or caFile " + config.caFile())
                    + " (expected: PEM certificates and a PKCS#8 PEM key): " + e.getMessage(), e);
        }
    }

    /** The configuration it was opened from. */
    public TlsConfig config() {
        return config;
    }

    /** Credentials of a server port: TLS with this service's certificate, client certificates per clientAuth. */
    public ServerCredentials serverCredentials() {
        TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder().keyManager(keys);
        if (serverTrust != null) {
            builder.trustManager(serverTrust);
        }
        return builder.clientAuth(switch (config.clientAuth()) {
            case NONE -> TlsServerCredentials.ClientAuth.NONE;
            case OPTIONAL -> TlsServerCredentials.ClientAuth.OPTIONAL;
            case REQUIRE -> TlsServerCredentials.ClientAuth.REQUIRE;
        }).build();
    }

    /** Credentials of an outgoing hop: trusts caFile (the JDK's roots without one), presents this service's certificate. */
    public ChannelCredentials channelCredentials() {
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder().keyManager(keys);
        if (clientTrust != null) {
            builder.trustManager(clientTrust);
        }
        return builder.build();
    }

    /** The same material for a non-gRPC server (the HTTP API): this service's certificate, caFile as trust. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keys}, serverTrust == null ? null : new TrustManager[] {serverTrust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK: " + e.getMessage(), e);
        }
    }

    /** {@code tls}'s server credentials, or plaintext for null. */
    public static ServerCredentials serverCredentials(TlsCredentials tls) {
        return tls == null ? InsecureServerCredentials.create() : tls.serverCredentials();
    }

    /** {@code tls}'s channel credentials, or plaintext for null. */
    public static ChannelCredentials channelCredentials(TlsCredentials tls) {
        return tls == null ? InsecureChannelCredentials.create() : tls.channelCredentials();
    }

    /** Stops reloading the files. */
    @Override
    public void close() {
        reload.cancel(false);
    }
}
