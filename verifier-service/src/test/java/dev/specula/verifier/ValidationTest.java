package dev.specula.verifier;

import com.google.protobuf.ByteString;
import dev.specula.proto.v1.DrafterEndpoint;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.verifier.testing.SessionResult;
import dev.specula.verifier.testing.TestTargets;
import dev.specula.verifier.testing.VerifierHarness;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every bad request gets the right status and a message naming the field; the verifier then serves on. */
class ValidationTest {

    @TempDir
    static Path dir;
    static VerifierHarness harness;

    @BeforeAll
    static void start() {
        harness = new VerifierHarness(VerifierConfig.builder(TestTargets.tiny(dir, 7)).backend("naive").build());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    static OpenSessionRequest.Builder good() {
        return OpenSessionRequest.newBuilder().setSessionId("v").setPrompt("Hello").setMaxTokens(5);
    }

    static Stream<Arguments> badRequests() {
        String longPrompt = "x".repeat(200); // over 200 tokens in a context of 96
        return Stream.of(
                bad(good().setPrompt(""), Status.Code.INVALID_ARGUMENT, "prompt: empty"),
                bad(good().setPromptBytes(ByteString.copyFrom(new byte[] {'a', 'b', (byte) 0xC3, 'c'})),
                        Status.Code.INVALID_ARGUMENT, "prompt: malformed UTF-8 at byte 2"),
                bad(good().setSampling(Sampling.newBuilder().setTemperature(-1)), Status.Code.INVALID_ARGUMENT,
                        "sampling.temperature: -1.0"),
                bad(good().setSampling(Sampling.newBuilder().setTemperature(Float.NaN)),
                        Status.Code.INVALID_ARGUMENT, "sampling.temperature: NaN"),
                bad(good().setSampling(Sampling.newBuilder().setTemperature(Float.POSITIVE_INFINITY)),
                        Status.Code.INVALID_ARGUMENT, "sampling.temperature: Infinity"),
                bad(good().setSampling(Sampling.newBuilder().setTopK(-2)), Status.Code.INVALID_ARGUMENT,
                        "sampling.top_k: -2"),
                bad(good().setSampling(Sampling.newBuilder().setTopP(0)), Status.Code.INVALID_ARGUMENT,
                        "sampling.top_p: 0.0"),
                bad(good().setSampling(Sampling.newBuilder().setTopP(1.5f)), Status.Code.INVALID_ARGUMENT,
                        "sampling.top_p: 1.5"),
                bad(good().setSampling(Sampling.newBuilder().setMinP(1)), Status.Code.INVALID_ARGUMENT,
                        "sampling.min_p: 1.0"),
                bad(good().setSampling(Sampling.newBuilder().setMinP(-0.1f)), Status.Code.INVALID_ARGUMENT,
                        "sampling.min_p: -0.1"),
                bad(good().setMaxTokens(0), Status.Code.INVALID_ARGUMENT, "max_tokens: 0"),
                bad(good().setMaxTokens(-3), Status.Code.INVALID_ARGUMENT, "max_tokens: -3"),
                bad(good().addAllStop(java.util.Collections.nCopies(9, "x")), Status.Code.INVALID_ARGUMENT,
                        "stop: 9 sequences"),
                bad(good().addStop(""), Status.Code.INVALID_ARGUMENT, "stop[0]: 0 bytes"),
                bad(good().addStop("ok").addStop("y".repeat(65)), Status.Code.INVALID_ARGUMENT, "stop[1]: 65 bytes"),
                bad(good().addStopBytes(ByteString.copyFrom(new byte[] {(byte) 0xFF})), Status.Code.INVALID_ARGUMENT,
                        "stop[0]: malformed UTF-8 at byte 0"),
                bad(good().setSpeculation(Speculation.newBuilder().setDraftLength(17)), Status.Code.INVALID_ARGUMENT,
                        "speculation.draft_length: 17 (expected: 1..16)"),
                bad(good().setSpeculation(Speculation.newBuilder().setDraftLength(0)), Status.Code.INVALID_ARGUMENT,
                        "speculation.draft_length: 0"),
                bad(good().setSpeculation(Speculation.newBuilder().setMaxDraftLength(0)),
                        Status.Code.INVALID_ARGUMENT, "speculation.max_draft_length: 0"),
                bad(good().setSpeculation(Speculation.newBuilder().setMaxDraftLength(20)),
                        Status.Code.INVALID_ARGUMENT, "speculation.max_draft_length: 20"),
                bad(good().addCommittedTokens(5).addCommittedTokens(320), Status.Code.INVALID_ARGUMENT,
                        "committed_tokens[1]: 320"),
                bad(good().addCommittedTokens(-1), Status.Code.INVALID_ARGUMENT, "committed_tokens[0]: -1"),
                bad(good().setDrafter(DrafterEndpoint.newBuilder().setDrafterId("d")), Status.Code.INVALID_ARGUMENT,
                        "drafter.target: empty"),
                bad(good().setPrompt(longPrompt).clearMaxTokens(), Status.Code.OUT_OF_RANGE,
                        "prompt: |tokens (expected: at most 95 for the context of 96)"),
                bad(good().setPrompt("x".repeat(50)).setMaxTokens(50), Status.Code.OUT_OF_RANGE,
                        "max_tokens: 50 with a prompt of |for the context of 96)"),
                bad(good().setMaxTokens(2).addCommittedTokens(5).addCommittedTokens(6).addCommittedTokens(7),
                        Status.Code.OUT_OF_RANGE, "committed_tokens: 3 tokens (expected: at most max_tokens 2)"));
    }

    private static Arguments bad(OpenSessionRequest.Builder request, Status.Code code, String message) {
        return Arguments.of(request.build(), code, message);
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void openSession_badField_statusNamesFieldThenServesGoodRequest(OpenSessionRequest request, Status.Code code,
                                                                     String message) throws InterruptedException {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> harness.run(request));
        assertThat(e).as("expected " + code).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(code);
        for (String part : message.split("\\|")) {
            assertThat(e.getStatus().getDescription()).contains(part);
        }
        SessionResult ok = harness.run(good().build());
        assertThat(ok.summary().getCompletionTokens()).isBetween(0, 5);
        assertThat(harness.awaitIdle(2_000)).isZero();
    }
}
