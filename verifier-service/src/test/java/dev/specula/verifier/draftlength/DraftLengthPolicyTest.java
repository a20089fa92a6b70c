package dev.specula.verifier.draftlength;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DraftLengthPolicyTest {

    /** A memory-bound target: a pass costs 10 ms plus 0.5 ms per position. */
    static final ForwardCost MEMORY_BOUND = tokens -> 10 + 0.5 * tokens;
    /** A compute-bound target: every position costs as much as a plain step. */
    static final ForwardCost COMPUTE_BOUND = tokens -> 10.0 * tokens;

    private static DraftLengthPolicy observe(ForwardCost cost, int initial, int blocks, int drafted, int accepted) {
        DraftLengthPolicy policy = new DraftLengthPolicy(initial, 16, cost);
        for (int i = 0; i < blocks; i++) {
            policy.recordVerification(drafted, accepted);
            policy.recordWait(drafted, 0.2 * drafted);
        }
        return policy;
    }

    @Test
    void next_beforeWarmup_keepsStartingLength() {
        DraftLengthPolicy policy = observe(MEMORY_BOUND, 5, DraftLengthPolicy.WARMUP_STEPS - 1, 5, 0);
        assertThat(policy.next()).isEqualTo(5);
    }

    @Test
    void next_highAcceptance_choosesLongBlocks() {
        DraftLengthPolicy policy = observe(MEMORY_BOUND, 4, 20, 4, 4);
        assertThat(policy.acceptance()).isGreaterThan(0.95);
        assertThat(policy.next()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void next_moderateAcceptance_choosesShorterBlocksThanHigh() {
        int moderate = observe(MEMORY_BOUND, 4, 20, 4, 1).next();
        int high = observe(MEMORY_BOUND, 4, 20, 4, 4).next();
        assertThat(moderate).isBetween(1, high - 1);
    }

    @Test
    void next_acceptanceNearZero_choosesPlainDecoding() {
        DraftLengthPolicy policy = observe(MEMORY_BOUND, 4, 20, 4, 0);
        assertThat(policy.acceptance()).isLessThan(0.05);
        assertThat(policy.next()).isZero();
        // Zero is final: the drafter stream is closed.
        policy.recordVerification(4, 4);
        assertThat(policy.next()).isZero();
    }

    @Test
    void next_computeBoundTarget_speculationNeverPays_choosesPlain() {
        DraftLengthPolicy policy = observe(COMPUTE_BOUND, 4, 20, 4, 3);
        assertThat(policy.next()).isZero();
    }

    @Test
    void next_slowDrafter_waitEatsGain_choosesPlain() {
        DraftLengthPolicy policy = new DraftLengthPolicy(4, 16, MEMORY_BOUND);
        for (int i = 0; i < 10; i++) {
            policy.recordVerification(4, 2);
            policy.recordWait(4, 80); // 20 ms per drafted token, twice a plain step
        }
        assertThat(policy.next()).isZero();
    }

    @Test
    void expectedTokens_geometricSeries() {
        assertThat(DraftLengthPolicy.expectedTokens(0, 5)).isEqualTo(1.0);
        assertThat(DraftLengthPolicy.expectedTokens(1, 5)).isEqualTo(6.0);
        assertThat(DraftLengthPolicy.expectedTokens(0.5, 2)).isEqualTo(1.75);
    }

    @Test
    void constructor_badLengths_namesParameter() {
        assertThatThrownBy(() -> new DraftLengthPolicy(0, 8, MEMORY_BOUND)).hasMessageContaining("initial: 0");
        assertThatThrownBy(() -> new DraftLengthPolicy(9, 8, MEMORY_BOUND)).hasMessageContaining("initial: 9");
        assertThatThrownBy(() -> new DraftLengthPolicy(1, 0, MEMORY_BOUND)).hasMessageContaining("maxLength: 0");
    }

    @Test
    void recordVerification_moreAcceptedThanDrafted_rejected() {
        DraftLengthPolicy policy = new DraftLengthPolicy(4, 8, MEMORY_BOUND);
        assertThatThrownBy(() -> policy.recordVerification(3, 4)).hasMessageContaining("accepted: 4 of drafted: 3");
    }
}
