package dev.specula.rpc;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.proto.v1.GenerationSummary;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrpcServerTest {

    /** Answers every Generate with a summary naming the prompt it parsed. */
    private static final class EchoService extends GenerationServiceGrpc.GenerationServiceImplBase {
        @Override
        public void generate(GenerateRequest request, StreamObserver<GenerateResponse> out) {
            out.onNext(GenerateResponse.newBuilder()
                    .setSummary(GenerationSummary.newBuilder().setRoute(request.getPrompt())).build());
            out.onCompleted();
        }
    }

    /** Sends bytes as they are, whatever they hold. */
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private GrpcServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = new GrpcServer("test", InProcessServerBuilder.forName(name).directExecutor(), new EchoService()).start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdown(1_000);
    }

    private List<byte[]> generateRaw(byte[] request) {
        MethodDescriptor<byte[], byte[]> raw = GenerationServiceGrpc.getGenerateMethod().toBuilder(BYTES, BYTES).build();
        List<byte[]> responses = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(channel, raw, CallOptions.DEFAULT, request).forEachRemaining(responses::add);
        return responses;
    }

    @Test
    void generate_unparseableBytes_invalidArgumentNamingTheMessageAndOneLogLine() {
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger grpcLogs = Logger.getLogger("io.grpc");
        Logger ours = Logger.getLogger(UnparseableRequests.class.getName());
        grpcLogs.addHandler(capture);
        ours.addHandler(capture);
        try {
            // Field 1 with wire type 7, which does not exist: no protobuf parser accepts it.
            assertThatThrownBy(() -> generateRaw(new byte[] {0x0f, (byte) 0xff, (byte) 0xff, 0x01}))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription())
                                .startsWith("request: could not be parsed as specula.v1.GenerateRequest (");
                    });
        } finally {
            grpcLogs.removeHandler(capture);
            ours.removeHandler(capture);
        }
        assertThat(logged).singleElement().satisfies(r -> {
            assertThat(r.getThrown()).isNull();
            assertThat(r.getMessage()).startsWith("specula.v1.GenerationService/Generate refused: request: could not be parsed");
        });
    }

    @Test
    void generate_wellFormedBytes_reachTheService() throws Exception {
        byte[] request = GenerateRequest.newBuilder().setPrompt("hello").build().toByteArray();
        List<byte[]> responses = generateRaw(request);
        assertThat(responses).singleElement()
                .satisfies(r -> assertThat(GenerateResponse.parseFrom(r).getSummary().getRoute()).isEqualTo("hello"));
    }

    @Test
    void reflection_stillListsTheGuardedServices() throws Exception {
        LinkedBlockingQueue<ServerReflectionResponse> answers = new LinkedBlockingQueue<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertThat(answers.take().getListServicesResponse().getServiceList())
                .extracting(s -> s.getName()).contains(GenerationServiceGrpc.SERVICE_NAME);
    }

    private ServingStatus check(String service) {
        return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    @Test
    void health_started_liveAndReady() {
        assertThat(check(ServerHealth.LIVENESS)).isEqualTo(ServingStatus.SERVING);
        assertThat(check(ServerHealth.READINESS)).isEqualTo(ServingStatus.SERVING);
        assertThat(check(GenerationServiceGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void health_backendFailed_neitherLiveNorReady() {
        server.health().backendFailed("forward pass threw");
        assertThat(check(ServerHealth.LIVENESS)).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check(ServerHealth.READINESS)).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check(GenerationServiceGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.NOT_SERVING);
    }

    @Test
    void health_draining_notReadyButLive() {
        server.health().draining();
        assertThat(check(ServerHealth.READINESS)).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check(GenerationServiceGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check(ServerHealth.LIVENESS)).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void health_beforeStart_notReady() {
        ServerHealth health = new ServerHealth();
        new GrpcServer("unstarted", InProcessServerBuilder.forName(InProcessServerBuilder.generateName()), health,
                new EchoService());
        assertThat(health.ready()).isFalse();
        assertThat(health.live()).isTrue();
    }
}
