package dev.specula.rpc;

import com.google.protobuf.ByteString;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import io.grpc.StatusException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolLimitsTest {

    private static List<Field> limits() {
        return Arrays.stream(ProtocolLimits.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && Modifier.isPublic(f.getModifiers()))
                .toList();
    }

    @Test
    void limits_eachEnforcedByRequestRulesAtItsBoundary() throws StatusException {
        assertThat(limits()).extracting(Field::getName).containsExactlyInAnyOrder("MAX_DRAFT_LENGTH",
                "DEFAULT_DRAFT_LENGTH", "DEFAULT_MAX_DRAFT_LENGTH", "MAX_STOP_SEQUENCES", "MAX_STOP_BYTES", "MAX_TOKENS",
                "MAX_NAME_BYTES", "MAX_QUOTED_CHARS",

                // Message sizes are enforced by the transports (GrpcServer.netty, Channels.open), not RequestRules.
                "MAX_VOCABULARY", "MAX_INTERNAL_MESSAGE_BYTES", "MAX_PUBLIC_MESSAGE_BYTES");

        int max = ProtocolLimits.MAX_DRAFT_LENGTH;
        assertThat(RequestRules.draftLength("k", max)).isEqualTo(max);
        assertThatThrownBy(() -> RequestRules.draftLength("k", max + 1)).hasMessage("INVALID_ARGUMENT: k: " + (max + 1) + " (expected: 1.." + max + ")");

        RequestRules.SpeculationOptions absent = RequestRules.speculation(Speculation.getDefaultInstance(),
                ProtocolLimits.DEFAULT_MAX_DRAFT_LENGTH);
        assertThat(absent).isEqualTo(new RequestRules.SpeculationOptions(SpeculationMode.SPECULATION_MODE_AUTO, 0,
                ProtocolLimits.DEFAULT_MAX_DRAFT_LENGTH, true));
        assertThat(ProtocolLimits.DEFAULT_DRAFT_LENGTH).isBetween(1, ProtocolLimits.DEFAULT_MAX_DRAFT_LENGTH);
        assertThatThrownBy(() -> RequestRules.speculation(Speculation.newBuilder()
                .setDraftLength(ProtocolLimits.DEFAULT_MAX_DRAFT_LENGTH + 1).build(), ProtocolLimits.DEFAULT_MAX_DRAFT_LENGTH))
                .hasMessage("INVALID_ARGUMENT: speculation.draft_length: " + (ProtocolLimits.DEFAULT_MAX_DRAFT_LENGTH + 1)
                        + " (expected: at most max_draft_length = " + ProtocolLimits.DEFAULT_MAX_DRAFT_LENGTH + ")");

        List<ByteString> stops = new ArrayList<>(Collections.nCopies(ProtocolLimits.MAX_STOP_SEQUENCES,
                ByteString.copyFromUtf8("x".repeat(ProtocolLimits.MAX_STOP_BYTES))));
        assertThat(RequestRules.stop(stops)).hasSize(ProtocolLimits.MAX_STOP_SEQUENCES);
        stops.add(ByteString.copyFromUtf8("y"));
        assertThatThrownBy(() -> RequestRules.stop(stops)).hasMessageStartingWith("INVALID_ARGUMENT: stop: 9 sequences");
        assertThatThrownBy(() -> RequestRules.stop(List.of(ByteString.copyFromUtf8("x".repeat(ProtocolLimits.MAX_STOP_BYTES + 1)))))
                .hasMessageStartingWith("INVALID_ARGUMENT: stop[0]: " + (ProtocolLimits.MAX_STOP_BYTES + 1) + " bytes");

        RequestRules.maxTokens(ProtocolLimits.MAX_TOKENS);
        assertThatThrownBy(() -> RequestRules.maxTokens(ProtocolLimits.MAX_TOKENS + 1)).hasMessageStartingWith("INVALID_ARGUMENT: max_tokens: ");

        String longest = "\u00e9".repeat(ProtocolLimits.MAX_NAME_BYTES / 2); // two bytes each
        assertThat(RequestRules.name("domain", longest)).isEqualTo(longest);
        assertThatThrownBy(() -> RequestRules.name("domain", longest + "x"))
                .hasMessage("INVALID_ARGUMENT: domain: " + (ProtocolLimits.MAX_NAME_BYTES + 1) + " bytes (expected: at most "
                        + ProtocolLimits.MAX_NAME_BYTES + ")");

        String quoted = RequestRules.quote("q".repeat(ProtocolLimits.MAX_QUOTED_CHARS + 5));
        assertThat(quoted).isEqualTo("q".repeat(ProtocolLimits.MAX_QUOTED_CHARS) + "...[5 more chars]");
        assertThat(RequestRules.quote("short")).isEqualTo("short");
    }

    @Test
    void name_oneMebibyteDomain_refusedWithoutRepeatingIt() {
        String huge = "d".repeat(1 << 20);
        assertThatThrownBy(() -> RequestRules.name("domain", huge))
                .hasMessage("INVALID_ARGUMENT: domain: 1048576 bytes (expected: at most " + ProtocolLimits.MAX_NAME_BYTES + ")");
        assertThatThrownBy(() -> RequestRules.name("model", "a\nb"))
                .hasMessage("INVALID_ARGUMENT: model: control character U+000A at 1 (expected: printable text)");
    }

    @Test
    void sampling_badFields_nameTheFieldOnce() {
        assertThatThrownBy(() -> RequestRules.sampling(Sampling.newBuilder().setTemperature(-1).build()))
                .hasMessage("INVALID_ARGUMENT: sampling.temperature: -1.0 (expected: 0 for greedy, or finite and > 0)");
        assertThatThrownBy(() -> RequestRules.sampling(Sampling.newBuilder().setTopK(-2).build()))
                .hasMessage("INVALID_ARGUMENT: sampling.top_k: -2 (expected: 0 (off) or >= 1)");
        assertThatThrownBy(() -> RequestRules.sampling(Sampling.newBuilder().setTopP(0).build()))
                .hasMessage("INVALID_ARGUMENT: sampling.top_p: 0.0 (expected: in (0, 1])");
        assertThatThrownBy(() -> RequestRules.sampling(Sampling.newBuilder().setMinP(1).build()))
                .hasMessage("INVALID_ARGUMENT: sampling.min_p: 1.0 (expected: in [0, 1))");
    }

    /**
     * No module that speaks the protocol declares a limit of its own under the same name: each is written here
     * only. (The engine and the trainer do not see the protocol; their constants of like names mean other things.)
     */
    @Test
    void limits_declaredNowhereElseInTheProduct() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize(); // tests run in proto/
        List<String> names = limits().stream().map(Field::getName).toList();
        Pattern declaration = Pattern.compile("static final int (" + String.join("|", names) + ") =");
        List<String> found = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            List<Path> speakers = modules.filter(m -> !Set.of("gpu-common", "train").contains(m.getFileName().toString()))
                    .map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList();
            assertThat(speakers).hasSizeGreaterThanOrEqualTo(5); // proto, the three services, cli
            for (Path main : speakers) {
                try (Stream<Path> files = Files.walk(main)) {
                    files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("ProtocolLimits.java"))
                            .forEach(f -> {
                                try {
                                    if (declaration.matcher(Files.readString(f)).find()) {
                                        found.add(root.relativize(f).toString());
                                    }
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
                }
            }
        }
        assertThat(found).isEmpty();
    }
}
