package dev.specula.drafter;

import com.google.protobuf.ByteString;
import dev.specula.engine.tokenizer.ByteVocabulary;
import dev.specula.engine.tokenizer.VocabularyFingerprint;
import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.ProposeRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Verdict;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.specula.drafter.DrafterHarness.openFor;
import static org.assertj.core.api.Assertions.assertThat;

/** Refused opens, protocol violations, session limits and the end of streams: the server keeps serving. */
class DrafterServiceErrorsTest {

    private static final int[] PROMPT = {1, 10, 20, 30, 40};

    @TempDir
    static Path dir;
    private static Path model;
    private static DrafterHarness drafter;

    @BeforeAll
    static void start() throws Exception {
        model = TestModels.write(dir, 13);
        drafter = new DrafterHarness(DrafterConfig.builder().backend("naive").maxSessions(2)
                .model(DrafterConfig.ModelSpec.of("tiny", model))
                .model(DrafterConfig.ModelSpec.of("tiny-too", model)).build());
    }

    @AfterAll
    static void stop() {
        drafter.close();
    }

    @AfterEach
    void sessionsEndAndTheServerStillServes() throws Exception {
        DrafterHarness.awaitTrue(() -> drafter.service().openSessions() == 0, "every session ended");
        ProposeStream good = drafter.open(openFor(PROMPT, 2, true).build());
        good.ready();
        good.block();
        good.halfClose();
        good.awaitCompleted();
        DrafterHarness.awaitTrue(() -> drafter.service().openSessions() == 0, "the good session ended");
    }

    static Stream<Arguments> badOpens() {
        return Stream.of(
                bad("tokens: empty", o -> o.clearTokens()),
                bad("tokens[2]: 320", o -> o.setTokens(2, 320)),
                bad("tokens[0]: -1", o -> o.setTokens(0, -1)),
                bad("draft_length: 0", o -> o.clearDraftLength()),
                bad("draft_length: 17", o -> o.setDraftLength(17)),
                bad("max_sequence_length: 4", o -> o.setMaxSequenceLength(4)),
                bad("max_sequence_length: 97", o -> o.setMaxSequenceLength(97)),
                bad("max_sequence_length: -1", o -> o.setMaxSequenceLength(-1)),
                bad("tokens: 97 tokens", o -> {
                    for (int i = 0; i < 92; i++) {
                        o.addTokens(5);
                    }
                    return o;
                }),
                bad("sampling.temperature: -1.0", o -> o.setSampling(Sampling.newBuilder().setTemperature(-1))),
                bad("sampling.temperature: NaN", o -> o.setSampling(Sampling.newBuilder().setTemperature(Float.NaN))),
                bad("sampling.top_k: -1", o -> o.setSampling(Sampling.newBuilder().setTemperature(1).setTopK(-1))),
                bad("sampling.top_p: 0.0", o -> o.setSampling(Sampling.newBuilder().setTemperature(1).setTopP(0))),
                bad("sampling.top_p: 1.5", o -> o.setSampling(Sampling.newBuilder().setTemperature(1).setTopP(1.5f))),
                bad("sampling.min_p: 1.0", o -> o.setSampling(Sampling.newBuilder().setTemperature(1).setMinP(1))),
                bad("drafter_id: nope", o -> o.setDrafterId("nope")));
    }

    private static Arguments bad(String expected, UnaryOperator<OpenDraft.Builder> change) {
        return Arguments.of(expected, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOpens")
    void open_badField_invalidArgumentNamingTheField(String expected, UnaryOperator<OpenDraft.Builder> change)
            throws Exception {
        ProposeStream s = drafter.open(change.apply(openFor(PROMPT, 4, true)).build());
        Status status = s.awaitError();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).startsWith(expected).contains("expected");
    }

    @Test
    void open_otherVocabulary_failedPreconditionNamingBothFingerprints() throws Exception {
        ProposeStream s = drafter.open(openFor(PROMPT, 4, true).setVocabularyFingerprint("sha256:00").build());
        Status status = s.awaitError();
        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).startsWith("vocabulary_fingerprint: sha256:00")
                .contains("expected: " + TestModels.FINGERPRINT);
    }

    @Test
    void open_oneMebibyteSessionId_invalidArgumentNamingItWithoutEchoingIt() throws Exception {
        ProposeStream s = drafter.open(openFor(PROMPT, 4, true).setSessionId("s".repeat(1 << 20)).build());
        Status status = s.awaitError();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("session_id: 1048576 bytes (expected: at most "
                + dev.specula.rpc.ProtocolLimits.MAX_NAME_BYTES + ")");
    }

    @Test
    void open_largerTargetOfTheSameFamily_acceptedOnTheSharedIds() throws Exception {
        // The target has the drafter's 320 tokens and 80 more (padding), so its fingerprint differs.
        ProposeStream s = drafter.open(openFor(PROMPT, 4, true).setVocabularyFingerprint("sha256:other")
                .setVocabularyTokenDigests(ByteString.copyFrom(
                        VocabularyFingerprint.tokenDigests(ByteVocabulary.tokenizer(400)))).build());

        assertThat(s.ready().getDrafterId()).isEqualTo("tiny");
        s.cancel();
    }

    @Test
    void open_vocabularyDiffersAtOneId_failedPreconditionNamingIt() throws Exception {
        byte[] digests = VocabularyFingerprint.tokenDigests(ByteVocabulary.tokenizer(400));
        digests[290 * VocabularyFingerprint.TOKEN_DIGEST_BYTES] ^= 1;

        ProposeStream s = drafter.open(openFor(PROMPT, 4, true).setVocabularyFingerprint("sha256:other")
                .setVocabularyTokenDigests(ByteString.copyFrom(digests)).build());
        Status status = s.awaitError();

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).isEqualTo("vocabulary_token_digests: token 290 differs between the target"
                + " and drafter tiny (its token 290 is \"<unused290>\"; every id below it agrees)");
    }

    @Test
    void open_tokenDigestsNotWholeTokens_invalidArgument() throws Exception {
        ProposeStream s = drafter.open(openFor(PROMPT, 4, true).setVocabularyFingerprint("sha256:other")
                .setVocabularyTokenDigests(ByteString.copyFrom(new byte[6])).build());
        Status status = s.awaitError();

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("vocabulary_token_digests: 6 bytes (expected: 4 per token)");
    }

    @Test
    void open_namedDrafter_servesThatModel() throws Exception {
        ProposeStream s = drafter.open(openFor(PROMPT, 4, true).setDrafterId("tiny-too").build());
        assertThat(s.ready().getDrafterId()).isEqualTo("tiny-too");
        s.cancel();
    }

    @Test
    void propose_messagesOutOfOrder_invalidArgument() throws Exception {
        ProposeStream verdictFirst = drafter.stream();
        verdictFirst.verdict(6, 1, 0, 3, 4);
        assertThat(verdictFirst.awaitError().getDescription()).startsWith("verdict: before open");

        ProposeStream empty = drafter.stream();
        empty.send(ProposeRequest.getDefaultInstance());
        assertThat(empty.awaitError().getDescription()).startsWith("message: empty");

        ProposeStream twice = drafter.open(openFor(PROMPT, 4, true).build());
        twice.open(openFor(PROMPT, 4, true).build());
        Status status = twice.awaitError();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).startsWith("open: sent twice");
    }

    static Stream<Arguments> badVerdicts() {
        // For a block of 3 tokens at base 5, epoch 0, drafted without draft-ahead (no predicted token).
        return Stream.of(
                Arguments.of("verdict.position: 7", verdict(7, 1, 2, 9)),
                Arguments.of("verdict.accepted: 4", verdict(10, 1, 4, 9)),
                Arguments.of("verdict.accepted: -1", verdict(5, 1, -1, 9)),
                Arguments.of("verdict.next_token: 320", verdict(9, 1, 3, 320)),
                Arguments.of("verdict.epoch: 0 kept", verdict(9, 0, 3, 9)),
                Arguments.of("verdict.draft_length: 17", verdict(9, 1, 3, 9).toBuilder().setDraftLength(17).build()));
    }

    private static Verdict verdict(int position, int epoch, int accepted, int next) {
        return Verdict.newBuilder().setPosition(position).setEpoch(epoch).setAccepted(accepted).setNextToken(next)
                .setDraftLength(3).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badVerdicts")
    void verdict_inconsistentWithTheBlock_invalidArgumentNamingTheField(String expected, Verdict verdict)
            throws Exception {
        ProposeStream s = drafter.open(openFor(PROMPT, 3, false).build());
        s.ready();
        DraftBlock block = s.block();
        assertThat(block.getBasePosition()).isEqualTo(5);
        s.verdict(verdict);
        Status status = s.awaitError();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).startsWith(expected);
    }

    @Test
    void verdict_withNoBlockOutstanding_invalidArgument() throws Exception {
        // Room for one block of 3 at base 5; once it is accepted with a bonus token the sequence is full.
        ProposeStream s = drafter.open(openFor(PROMPT, 3, false).setMaxSequenceLength(9).build());
        s.ready();
        assertThat(s.block().getTokensCount()).isEqualTo(3);
        s.verdict(9, 1, 3, 7, 3);
        assertThat(s.quietFor(100)).isTrue();
        s.verdict(9, 1, 3, 7, 3);
        Status status = s.awaitError();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).startsWith("verdict: no block awaits one");
    }

    @Test
    void open_atTheSessionLimit_resourceExhaustedUntilASessionEnds() throws Exception {
        ProposeStream first = drafter.open(openFor(PROMPT, 4, true).build());
        first.ready();
        ProposeStream second = drafter.open(openFor(PROMPT, 4, true).build());
        second.ready();
        assertThat(drafter.service().openSessions()).isEqualTo(2);

        ProposeStream third = drafter.open(openFor(PROMPT, 4, true).build());
        Status status = third.awaitError();
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).contains("maxSessions 2");

        first.cancel();
        DrafterHarness.awaitTrue(() -> drafter.service().openSessions() == 1, "the cancelled session ended");
        ProposeStream fourth = drafter.open(openFor(PROMPT, 4, true).build());
        fourth.ready();
        second.cancel();
        fourth.cancel();
    }

    @Test
    void cancel_whileDraftingAhead_freesTheSession() throws Exception {
        long opened = drafter.service().metrics().sessionsOpened();
        ProposeStream s = drafter.open(openFor(PROMPT, 16, true).build());
        s.ready();
        s.block();
        s.cancel();
        DrafterHarness.awaitTrue(() -> drafter.service().openSessions() == 0, "the session ended");
        assertThat(drafter.service().metrics().sessionsOpened()).isEqualTo(opened + 1);
    }

    @Test
    void halfClose_byTheVerifier_completesTheStreamAndFreesTheSession() throws Exception {
        ProposeStream s = drafter.open(openFor(PROMPT, 4, false).build());
        s.ready();
        s.block();
        s.halfClose();
        s.awaitCompleted();
        DrafterHarness.awaitTrue(() -> drafter.service().openSessions() == 0, "the session ended");
    }

    @Test
    void propose_forwardPassFails_internalNamingTheProblemAndOtherModelsStillServe() throws Exception {
        Path second = TestModels.write(dir, 16);
        try (DrafterHarness other = new DrafterHarness(DrafterConfig.builder().backend("naive")
                .model(DrafterConfig.ModelSpec.of("broken", model))
                .model(DrafterConfig.ModelSpec.of("fine", second)).build())) {
            ProposeStream s = other.open(openFor(PROMPT, 3, false).build());
            s.ready();
            s.block();
            other.server.models().getFirst().batcher().close(); // every later pass of that model fails
            s.verdict(9, 1, 3, 7, 3);
            Status status = s.awaitError();
            assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(status.getDescription()).startsWith("drafter broken: forward pass at position")
                    .contains("forward batcher closed");
            DrafterHarness.awaitTrue(() -> other.service().openSessions() == 0, "the failed session ended");
            // Its health says so: neither ready (no new traffic) nor live (a restart is the remedy).
            assertThat(other.server.health().ready()).isFalse();
            assertThat(other.server.health().live()).isFalse();

            ProposeStream fine = other.open(openFor(PROMPT, 3, true).setDrafterId("fine").build());
            fine.ready();
            fine.block();
            fine.halfClose();
            fine.awaitCompleted();
        }
    }

    @Test
    void close_withSessionsOpen_failsThemUnavailableAndFreesThem() throws Exception {
        DrafterHarness other = new DrafterHarness(DrafterConfig.builder().backend("naive")
                .model(DrafterConfig.ModelSpec.of("tiny", model)).build());
        ProposeStream s = other.open(openFor(PROMPT, 4, true).build());
        s.ready();
        s.block();
        other.server.close();
        Status status = s.awaitError();
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(other.service().openSessions()).isZero();
        other.close();
    }
}
