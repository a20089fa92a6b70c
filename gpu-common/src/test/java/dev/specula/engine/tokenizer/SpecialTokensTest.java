package dev.specula.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpecialTokensTest {

    private static final int CONTROL = 1;
    private static final int USER = 2;
    private static final int LONG_CONTROL = 3;

    private final SpecialTokens special = new SpecialTokens(new Vocabulary(
            List.of("a", "<|x|>", "<u>", "<|x|><u>", ""),
            new TokenType[] {TokenType.NORMAL, TokenType.CONTROL, TokenType.USER_DEFINED, TokenType.CONTROL,
                    TokenType.CONTROL},
            1, 1, -1));

    @Test
    void partition_userDefinedToken_isAlwaysSplitOut() {
        assertThat(special.partition("ab<u>c<|x|>", false)).containsExactly(SpecialTokens.Fragment.text("ab"),
                SpecialTokens.Fragment.token(USER), SpecialTokens.Fragment.text("c<|x|>"));
    }

    @Test
    void partition_controlTokens_onlyWhenParsingSpecial() {
        assertThat(special.partition("<|x|>b<|x|>", true)).containsExactly(SpecialTokens.Fragment.token(CONTROL),
                SpecialTokens.Fragment.text("b"), SpecialTokens.Fragment.token(CONTROL));
    }

    @Test
    void partition_overlappingTokens_longestFirst() {
        assertThat(special.partition("<|x|><u>!", true)).containsExactly(SpecialTokens.Fragment.token(LONG_CONTROL),
                SpecialTokens.Fragment.text("!"));
    }

    @Test
    void partition_emptyText_givesNoFragments() {
        assertThat(special.partition("", true)).isEmpty();
        assertThat(special.partition("plain", true)).containsExactly(SpecialTokens.Fragment.text("plain"));
    }
}
