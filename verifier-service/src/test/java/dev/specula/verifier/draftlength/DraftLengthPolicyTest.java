package dev.specula.verifier.draftlength;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DraftLengthPolicyTest {

    /** A memory-bound target: a pass costs 10 ms plus 0.5 ms per position, whatever the load. */
    static final ForwardCost MEMORY_BOUND = (load, tokens) -> 10 + 0.5 * tokens;
    /** A compute-bound target: every position costs as much as a plain step. */
    static final ForwardCost COMPUTE_BOUND = (load, tokens) -> 10.0 * tokens;
    /**
     * Cheap extra positions for one session, but a batched pass costs 2 ms per position of every session: at load
     * 1 verification nearly pays for itself, at load 64 the extra positions slow down 63 other sessions.
     */
    static final ForwardCost BATCH_BOUND = (load, tokens) -> 20 + 2.0 * (load - 1 + tokens);

    private static DraftLengthPolicy observe(ForwardCost cost, int initial, int blocks, int drafted, int accepted) {
        DraftLengthPolicy policy = new DraftLengthPolicy(initial, 16, cost, new DrafterHistory());
        for (int i = 0; i < blocks; i++) {
            policy.recordVerification(drafted, accepted);
            policy.recordWait(drafted, 0.2 * drafted);
        }
        return policy;
    }

    @Test
    void next_beforeWarmup_keepsStartingLength() {
        DraftLengthPolicy policy = observe(MEMORY_BOUND, 5, DraftLengthPolicy.WARMUP_STEPS - 1, 5, 0);
        assertThat(policy.next(1)).isEqualTo(5);
    }

    @Test
    void next_highAcceptance_choosesLongBlocks() {
        DraftLengthPolicy policy = observe(MEMORY_BOUND, 4, 20, 4, 4);
        assertThat(policy.acceptance()).isGreaterThan(0.95);
        assertThat(policy.next(1)).isGreaterThanOrEqualTo(10);
    }

    @Test
    void next_moderateAcceptance_choosesShorterBlocksThanHigh() {
        int moderate = observe(MEMORY_BOUND, 4, 20, 4, 1).next(1);
        int high = observe(MEMORY_BOUND, 4, 20, 4, 4).next(1);
        assertThat(moderate).isBetween(1, high - 1);
    }

    @Test
    void next_acceptanceNearZero_choosesPlainDecoding() {
        DraftLengthPolicy policy = observe(MEMORY_BOUND, 4, 20, 4, 0);
        assertThat(policy.acceptance()).isLessThan(0.05);
        assertThat(policy.next(1)).isZero();
        // Zero is final: the drafter stream is closed.
        policy.recordVerification(4, 4);
        assertThat(policy.next(1)).isZero();
    }

    @Test
    void next_computeBoundTarget_speculationNeverPays_choosesPlain() {
        DraftLengthPolicy policy = observe(COMPUTE_BOUND, 4, 20, 4, 3);
        assertThat(policy.next(1)).isZero();
    }

    @Test
    void next_slowDrafter_waitEatsGain_choosesPlain() {
        DraftLengthPolicy policy = new DraftLengthPolicy(4, 16, MEMORY_BOUND, new DrafterHistory());
        for (int i = 0; i < 10; i++) {
            policy.recordVerification(4, 2);
            policy.recordWait(4, 80); // 20 ms per drafted token, twice a plain step
        }
        assertThat(policy.next(1)).isZero();
    }

    @Test
    void next_sameAcceptance_paysAloneButNotUnderLoad() {
        assertThat(observe(BATCH_BOUND, 4, 20, 4, 3).next(1)).as("one session").isPositive();
        assertThat(observe(BATCH_BOUND, 4, 20, 4, 3).next(64)).as("64 sessions sharing each pass").isZero();
    }

    @Test
    void speedup_batchTermCountsOtherSessions() {
        // Load 64, 3 drafts at full acceptance: 4 tokens for this session, but the pass grows from 64 to 67
        // positions for everyone: (63 + 4) / 64 tokens per pass at 67/64 of the time.
        double s = DraftLengthPolicy.speedup(COMPUTE_BOUND, 64, 1.0, 0, 3);
        assertThat(s).isLessThan(1);
        // A memory-bound pass barely grows with its positions: this session's 3 extra tokens are a real gain.
        ForwardCost memoryBoundBatch = (load, tokens) -> 10 + 0.01 * (load - 1 + tokens);
        assertThat(DraftLengthPolicy.speedup(memoryBoundBatch, 64, 1.0, 0, 3)).isGreaterThan(1.04);
        assertThat(DraftLengthPolicy.speedup(memoryBoundBatch, 1, 1.0, 0, 3)).isGreaterThan(3.9);
    }

    @Test
    void worthOpening_verificationNeverPays_false() {
        DrafterHistory perfect = new DrafterHistory();
        for (int i = 0; i < 50; i++) {
            perfect.recordVerification(4, 4); // even a drafter that is always right
        }
        assertThat(DraftLengthPolicy.worthOpening(COMPUTE_BOUND, 1, perfect, 8)).isFalse();
        assertThat(DraftLengthPolicy.worthOpening(BATCH_BOUND, 64, perfect, 8)).isFalse();
    }

    @Test
    void worthOpening_payingCostModel_true_untilTheDrafterProvesHopeless() {
        DrafterHistory history = new DrafterHistory();
        assertThat(DraftLengthPolicy.worthOpening(MEMORY_BOUND, 1, history, 8)).as("the prior").isTrue();
        for (int i = 0; i < 50; i++) {
            history.recordVerification(0, 1);
        }
        assertThat(history.acceptance()).isLessThan(0.05);
        assertThat(DraftLengthPolicy.worthOpening(MEMORY_BOUND, 1, history, 8)).isFalse();
    }

    @Test
    void worthOpening_costsUnknown_true() {
        assertThat(DraftLengthPolicy.worthOpening((load, tokens) -> Double.NaN, 1, new DrafterHistory(), 8)).isTrue();
    }

    @Test
    void policy_startsFromWhatOtherSessionsMeasured_andAddsToIt() {
        DrafterHistory history = new DrafterHistory();
        for (int i = 0; i < 50; i++) {
            history.recordVerification(4, 4);
        }
        DraftLengthPolicy policy = new DraftLengthPolicy(2, 8, MEMORY_BOUND, history);
        assertThat(policy.acceptance()).isGreaterThan(0.95);
        long before = history.blocks();
        policy.recordVerification(4, 0);
        assertThat(history.blocks()).isEqualTo(before + 1);
    }

    @Test
    void expectedTokens_geometricSeries() {
        assertThat(DraftLengthPolicy.expectedTokens(0, 5)).isEqualTo(1.0);
        assertThat(DraftLengthPolicy.expectedTokens(1, 5)).isEqualTo(6.0);
        assertThat(DraftLengthPolicy.expectedTokens(0.5, 2)).isEqualTo(1.75);
    }

    @Test
    void constructor_badLengths_namesParameter() {
        DrafterHistory h = new DrafterHistory();
        assertThatThrownBy(() -> new DraftLengthPolicy(0, 8, MEMORY_BOUND, h)).hasMessageContaining("initial: 0");
        assertThatThrownBy(() -> new DraftLengthPolicy(9, 8, MEMORY_BOUND, h)).hasMessageContaining("initial: 9");
        assertThatThrownBy(() -> new DraftLengthPolicy(1, 0, MEMORY_BOUND, h)).hasMessageContaining("maxLength: 0");
    }

    @Test
    void recordVerification_moreAcceptedThanDrafted_rejected() {
        DraftLengthPolicy policy = new DraftLengthPolicy(4, 8, MEMORY_BOUND, new DrafterHistory());
        assertThatThrownBy(() -> policy.recordVerification(3, 4)).hasMessageContaining("accepted: 4 of drafted: 3");
    }
}
