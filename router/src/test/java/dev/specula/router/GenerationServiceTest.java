package dev.specula.router;

import com.google.protobuf.ByteString;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The GenerationService: validation, relaying, errors, resume and cancellation, against scripted verifiers. */
class GenerationServiceTest extends ScriptedMeshTest {

    static Stream<Arguments> badRequests() {
        byte[] badUtf8 = {'a', 'b', (byte) 0xC3, '(', 'c'};
        return Stream.of(
                Arguments.of("prompt", (UnaryOperator<GenerateRequest.Builder>) r -> r.setPrompt("")),
                Arguments.of("prompt: malformed UTF-8 at byte 2", (UnaryOperator<GenerateRequest.Builder>) r -> r.setPromptBytes(ByteString.copyFrom(badUtf8))),
                Arguments.of("sampling.temperature", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSampling(Sampling.newBuilder().setTemperature(-0.5f))),
                Arguments.of("sampling.temperature", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSampling(Sampling.newBuilder().setTemperature(Float.NaN))),
                Arguments.of("sampling.temperature", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSampling(Sampling.newBuilder().setTemperature(Float.POSITIVE_INFINITY))),
                Arguments.of("sampling.top_k", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSampling(Sampling.newBuilder().setTopK(-1))),
                Arguments.of("sampling.top_p", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSampling(Sampling.newBuilder().setTopP(0f))),
                Arguments.of("sampling.top_p", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSampling(Sampling.newBuilder().setTopP(1.5f))),
                Arguments.of("sampling.min_p", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSampling(Sampling.newBuilder().setMinP(1f))),
                Arguments.of("sampling.min_p", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSampling(Sampling.newBuilder().setMinP(-0.1f))),
                Arguments.of("max_tokens: 0 (expected: 1..1000000", (UnaryOperator<GenerateRequest.Builder>) r -> r.setMaxTokens(0)),
                Arguments.of("max_tokens: 1000001", (UnaryOperator<GenerateRequest.Builder>) r -> r.setMaxTokens(1_000_001)),
                Arguments.of("stop: 9 sequences", (UnaryOperator<GenerateRequest.Builder>) r -> r.addAllStop(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9"))),
                Arguments.of("stop[1]: 0 bytes", (UnaryOperator<GenerateRequest.Builder>) r -> r.addStop("ok").addStop("")),
                Arguments.of("stop[0]: 65 bytes", (UnaryOperator<GenerateRequest.Builder>) r -> r.addStop("x".repeat(65))),
                Arguments.of("stop[0]: malformed UTF-8 at byte 1", (UnaryOperator<GenerateRequest.Builder>) r -> r.addStopBytes(ByteString.copyFrom(new byte[] {'x', (byte) 0xFF}))),
                Arguments.of("speculation.draft_length: 0", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSpeculation(Speculation.newBuilder().setDraftLength(0))),
                Arguments.of("speculation.draft_length: 17", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSpeculation(Speculation.newBuilder().setDraftLength(17).setMaxDraftLength(16))),
                Arguments.of("speculation.max_draft_length: 17", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSpeculation(Speculation.newBuilder().setMaxDraftLength(17))),
                Arguments.of("speculation.draft_length: 6 (expected: at most max_draft_length = 4)", (UnaryOperator<GenerateRequest.Builder>) r -> r.setSpeculation(Speculation.newBuilder().setDraftLength(6).setMaxDraftLength(4))),
                Arguments.of("language: 'xx' (expected: an ISO 639-1 code such as 'de')", (UnaryOperator<GenerateRequest.Builder>) r -> r.setLanguage("xx")),
                Arguments.of("drafter: 'nope'", (UnaryOperator<GenerateRequest.Builder>) r -> r.setDrafter("nope")),
                Arguments.of("model: 'gpt-9'", (UnaryOperator<GenerateRequest.Builder>) r -> r.setModel("gpt-9")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void generate_badField_invalidArgumentNamingItThenServesNext(String expected, UnaryOperator<GenerateRequest.Builder> breakIt)
            throws IOException {
        RouterHarness router = harness();

        assertThatThrownBy(() -> router.generate(breakIt.apply(request("Once upon a time")).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(expected);
                });
        assertThat(verifierA.requests).as("nothing reached a verifier").isEmpty();
        assertThat(verifierB.requests).isEmpty();
        assertThat(summary(router.generate(request("Once upon a time").build())).getCompletionTokens()).isEqualTo(3);
    }

    @Test
    void generate_goodRequest_forwardsDeltasAndSummaryWithRouterFields() throws IOException {
        RouterHarness router = harness();
        GenerateRequest request = request("The little girl walked through the forest.")
                .setSampling(Sampling.newBuilder().setTemperature(0.7f).setTopP(0.9f).setSeed(42))
                .addStop("The end").build();

        List<GenerateResponse> responses = router.generate(request);

        assertThat(responses).hasSize(3);
        assertThat(responses.get(0).getDelta().getTokenIdsList()).containsExactly(1, 2);
        assertThat(responses.get(0).getDelta().getText()).isEqualTo("<1><2>");
        assertThat(responses.get(1).getDelta().getTokenIdsList()).containsExactly(3);
        GenerationSummary summary = summary(responses);
        assertThat(summary.getCompletionTokens()).isEqualTo(3);
        assertThat(summary.getVerificationSteps()).isEqualTo(2);
        assertThat(summary.getDrafterId()).isEqualTo("scripted-drafter");
        assertThat(summary.getVerifierId()).isEqualTo("scripted-verifier");
        assertThat(summary.getModel()).isEqualTo("tiny");
        assertThat(summary.getRoute()).isEqualTo("en/general");
        assertThat(summary.getLanguage()).isEqualTo("en");
        assertThat(summary.getTotalTimeMs()).isPositive();
        assertThat(summary.getTimeToFirstTokenMs()).isPositive().isLessThanOrEqualTo(summary.getTotalTimeMs());
        assertThat(summary.getTokensPerSecond()).isPositive();
        OpenSessionRequest sent = onlyRequestTo(verifierA);
        assertThat(sent.getPrompt()).isEqualTo(request.getPrompt());
        assertThat(sent.getSampling()).isEqualTo(request.getSampling());
        assertThat(sent.getMaxTokens()).isEqualTo(16);
        assertThat(sent.getStopList()).containsExactly("The end");
        assertThat(sent.getSpeculation().getDraftLength()).as("the config's initial draft length").isEqualTo(4);
        assertThat(sent.getSpeculation().getMaxDraftLength()).isEqualTo(8);
        assertThat(sent.getCommittedTokensList()).isEmpty();
        assertThat(sent.getSessionId()).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Status.Code.class, names = {"INVALID_ARGUMENT", "OUT_OF_RANGE", "RESOURCE_EXHAUSTED"})
    void generate_verifierFailsWithStatus_relaysItWithDescription(Status.Code code) throws IOException {
        RouterHarness router = harness();
        verifierA.script(ScriptedVerifier.Script.failsAfter(Status.fromCode(code).withDescription("max_tokens: 900 (expected: 1..507)")));

        assertThatThrownBy(() -> router.generate(request("Once upon a time").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(code);
                    assertThat(e.getStatus().getDescription()).isEqualTo("max_tokens: 900 (expected: 1..507)");
                });
        assertThat(verifierB.requests).as("not retried elsewhere").isEmpty();
    }

    @Test
    void generate_verifierDiesMidStream_resumesOnOtherReplicaWithoutGapsOrRepeats() throws IOException {
        RouterHarness router = harness();
        verifierA.script(ScriptedVerifier.Script.failsAfter(Status.UNAVAILABLE.withDescription("connection lost"),
                new int[] {10, 11}, new int[] {12}));
        verifierB.script(ScriptedVerifier.Script.completes(new int[] {13, 14}, new int[] {15}));

        List<GenerateResponse> responses = router.generate(request("Once upon a time").build());

        assertThat(tokens(responses)).containsExactly(10, 11, 12, 13, 14, 15);
        OpenSessionRequest resumed = onlyRequestTo(verifierB);
        assertThat(resumed.getCommittedTokensList()).containsExactly(10, 11, 12);
        OpenSessionRequest first = onlyRequestTo(verifierA);
        assertThat(resumed.toBuilder().clearCommittedTokens().build()).as("the same session otherwise").isEqualTo(first);
        GenerationSummary summary = summary(responses);
        assertThat(summary.getCompletionTokens()).isEqualTo(6);
        assertThat(summary.getVerificationSteps()).as("steps of both replicas").isEqualTo(4);
        assertThat(summary.getDraftLengthsCount()).isEqualTo(4);
        assertThat(summary.getAcceptedTokens()).isEqualTo(2);
    }

    @Test
    void generate_verifierServerGoesDownMidStream_resumesOnOtherReplica() throws Exception {
        RouterHarness router = harness();
        verifierA.script(ScriptedVerifier.Script.hangsAfter(new int[] {7, 8}));
        verifierB.script(ScriptedVerifier.Script.completes(new int[] {9}));
        List<GenerateResponse> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Status> closed = new java.util.concurrent.CompletableFuture<>();
        GenerationServiceGrpc.newStub(router.client).generate(request("Once upon a time").build(),
                new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(GenerateResponse response) {
                        received.add(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        closed.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        closed.complete(Status.OK);
                    }
                });
        assertThat(tokens(received)).containsExactly(7, 8);

        router.verifierServers.get(a).shutdownNow();

        assertThat(closed.get(5, java.util.concurrent.TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
        assertThat(tokens(received)).containsExactly(7, 8, 9);
        assertThat(onlyRequestTo(verifierB).getCommittedTokensList()).containsExactly(7, 8);
    }

    @Test
    void generate_unreachableFirstReplica_usesTheNext() throws IOException {
        RouterHarness router = harness();
        router.verifierServers.get(a).shutdownNow();

        List<GenerateResponse> responses = router.generate(request("Once upon a time").build());

        assertThat(tokens(responses)).containsExactly(1, 2, 3);
        assertThat(onlyRequestTo(verifierB).getCommittedTokensList()).isEmpty();
    }

    @Test
    void generate_noVerifierReachable_unavailableNamingModelAndTargets() throws IOException {
        RouterHarness router = harness();
        router.verifierServers.values().forEach(io.grpc.Server::shutdownNow);

        assertThatThrownBy(() -> router.generate(request("Once upon a time").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).contains("model 'tiny'", a, b);
                });
    }

    @Test
    void generate_onlyReplicaDiesMidStream_unavailable() throws IOException {
        RouterHarness router = harness();
        verifierA.script(ScriptedVerifier.Script.failsAfter(Status.UNAVAILABLE.withDescription("gone"), new int[] {1}));

        assertThatThrownBy(() -> router.generate(request("Once upon a time").setModel("solo").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).contains("model 'solo'", a + " (UNAVAILABLE: gone)");
                });
    }

    @Test
    void generate_clientCancels_cancelsVerifierCall() throws Exception {
        RouterHarness router = harness();
        verifierA.script(ScriptedVerifier.Script.hangsAfter(new int[] {1, 2}));

        Context.CancellableContext context = Context.current().withCancellation();
        Iterator<GenerateResponse> stream = context.call(() ->
                GenerationServiceGrpc.newBlockingStub(router.client).generate(request("Once upon a time").build()));
        assertThat(stream.next().getDelta().getTokenIdsList()).containsExactly(1, 2);
        assertThat(verifierA.cancellations.get()).isZero();

        context.cancel(null);

        long deadline = System.nanoTime() + 5_000_000_000L; // cancellation may hop threads on the way
        while (verifierA.cancellations.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(verifierA.cancellations.get()).isEqualTo(1);
    }
}
