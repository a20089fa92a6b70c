package dev.specula.rpc.security;

import dev.specula.rpc.Channels;
import dev.specula.rpc.GrpcServer;
import dev.specula.rpc.ProtocolLimits;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS and mutual TLS over real Netty TCP on loopback, with certificates made by {@link TestPki}. */
class TlsCredentialsTest {

    @TempDir
    Path dir;

    private TestPki ca;
    private Path caFile;
    private TestPki.Issued serverCert;
    private TestPki.Issued clientCert;
    private GrpcServer server;
    private TlsCredentials serverTls;

    @BeforeEach
    void setUp() throws IOException {
        ca = TestPki.newCa("mesh");
        caFile = ca.writeCa(dir);
        serverCert = ca.issue(dir, "server");
        clientCert = ca.issue(dir, "client");
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.shutdown(1_000);
        }
        if (serverTls != null) {
            serverTls.close();
        }
    }

    private void startServer(TlsConfig.ClientAuth clientAuth, long refreshSeconds) throws IOException {
        serverTls = TlsCredentials.open(new TlsConfig(serverCert.certFile(), serverCert.keyFile(), caFile, clientAuth,
                refreshSeconds));
        server = new GrpcServer("test", GrpcServer.netty(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                serverTls.serverCredentials(), ProtocolLimits.MAX_INTERNAL_MESSAGE_BYTES)).start();
    }

    private HealthCheckResponse.ServingStatus check(ChannelCredentials credentials, ClientInterceptor... interceptors) {
        ManagedChannel channel = Channels.open("localhost:" + server.port(), credentials);
        try {
            return HealthGrpc.newBlockingStub(channel).withInterceptors(interceptors)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            Channels.close(channel);
        }
    }

    private TlsCredentials clientTls(TestPki.Issued cert, Path trust) {
        return TlsCredentials.open(new TlsConfig(cert.certFile(), cert.keyFile(), trust, TlsConfig.ClientAuth.NONE, 60));
    }

    @Test
    void mutualTls_clientCertificateFromTheCa_isServed() throws IOException {
        startServer(TlsConfig.ClientAuth.REQUIRE, 60);
        try (TlsCredentials client = clientTls(clientCert, caFile)) {
            assertThat(check(client.channelCredentials())).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
    }

    @Test
    void mutualTls_clientWithoutCertificate_isRefused() throws IOException {
        startServer(TlsConfig.ClientAuth.REQUIRE, 60);
        ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
        assertThatThrownBy(() -> check(noCertificate))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void mutualTls_clientCertificateFromAnotherCa_isRefused() throws IOException {
        startServer(TlsConfig.ClientAuth.REQUIRE, 60);
        TestPki.Issued stranger = TestPki.newCa("other").issue(dir, "stranger");
        try (TlsCredentials client = clientTls(stranger, caFile)) {
            assertThatThrownBy(() -> check(client.channelCredentials()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void tls_serverFromAnotherCa_isRefusedByTheClient() throws IOException {
        startServer(TlsConfig.ClientAuth.NONE, 60);
        Path otherCa = TestPki.newCa("other").writeCa(dir);
        try (TlsCredentials client = clientTls(clientCert, otherCa)) {
            assertThatThrownBy(() -> check(client.channelCredentials()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void tls_plaintextClient_fails() throws IOException {
        startServer(TlsConfig.ClientAuth.NONE, 60);
        assertThatThrownBy(() -> check(InsecureChannelCredentials.create()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void tls_certificateReplacedOnDisk_isServedWithoutRestart() throws Exception {
        startServer(TlsConfig.ClientAuth.REQUIRE, 1);
        assertThat(servedSerial()).isEqualTo(serverCert.certificate().getSerialNumber());

        TestPki.Issued renewed = ca.issueTo(serverCert.certFile(), serverCert.keyFile(), "server");
        BigInteger seen = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            seen = servedSerial();
            if (seen.equals(renewed.certificate().getSerialNumber())) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(seen).isEqualTo(renewed.certificate().getSerialNumber())
                .isNotEqualTo(serverCert.certificate().getSerialNumber());
    }

    @Test
    void config_missingCaWithClientAuth_namesTheField() {
        assertThatThrownBy(() -> new TlsConfig(serverCert.certFile(), serverCert.keyFile(), null,
                TlsConfig.ClientAuth.REQUIRE, 60))
                .hasMessageStartingWith("caFile: absent");
        assertThatThrownBy(() -> new TlsConfig.Fields(serverCert.certFile().toString(), "missing.pem", null, "none", null)
                .toConfig("tls", dir))
                .hasMessageStartingWith("tls.keyFile: ").hasMessageContaining("missing.pem cannot be read");
        assertThatThrownBy(() -> new TlsConfig.Fields("server.pem", "server-key.pem", null, "sometimes", null)
                .toConfig("tls", dir))
                .hasMessage("tls.clientAuth: sometimes (expected: none, optional or require)");
    }

    @Test
    void open_keyFileThatIsNotAKey_namesTheFiles() {
        TlsConfig config = new TlsConfig(serverCert.certFile(), caFile, caFile, TlsConfig.ClientAuth.NONE, 60);
        assertThatThrownBy(() -> TlsCredentials.open(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyFile " + caFile);
    }

    /** The serial of the certificate the server presents to a fresh client (its own TLS context, no session to resume). */
    private BigInteger servedSerial() throws Exception {
        AtomicReference<SSLSession> session = new AtomicReference<>();
        ClientInterceptor capture = new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        ClientCall<Q, R> call = this;
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onHeaders(Metadata responseHeaders) {
                                session.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                                super.onHeaders(responseHeaders);
                            }
                        }, headers);
                    }
                };
            }
        };
        try (TlsCredentials client = clientTls(clientCert, caFile)) {
            check(client.channelCredentials(), capture);
        }
        return ((X509Certificate) session.get().getPeerCertificates()[0]).getSerialNumber();
    }
}
