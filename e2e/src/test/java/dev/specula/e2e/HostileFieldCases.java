package dev.specula.e2e;

import com.google.protobuf.ByteString;
import dev.specula.e2e.HostileCase.Outcome;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.rpc.ProtocolLimits;
import io.grpc.Channel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The field cases of the gRPC API, sent to the open router: every numeric field out of range, every name-like
 * and stop field oversize (just over the limit and 1 MiB), malformed UTF-8 where the wire lets it through,
 * unknown enum values and ids, requests over the context and over the message size, bytes that do not parse,
 * and the requests that must be served although they look odd (an unserved language, an unrouted domain).
 */
final class HostileFieldCases {

    static final int MIB = 1 << 20;
    /** Over the model's context (and a prompt MeshConcurrencyAndErrorsTest also uses). */
    static final String PROMPT_OVER_CONTEXT = "the dog and the cat went to the park ".repeat(120);

    private HostileFieldCases() {
    }

    /** A small, valid request every case breaks in one place. */
    static GenerateRequest good() {
        return GenerateRequest.newBuilder().setPrompt("Once upon a time").setMaxTokens(4)
                .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_OFF)).build();
    }

    static List<HostileCase> cases(Channel router) {
        List<HostileCase> cases = new ArrayList<>();
        Grpc grpc = new Grpc(router, cases);
        // The prompt.
        grpc.add("empty prompt", "INVALID_ARGUMENT", "prompt", r -> r.setPrompt(""));
        grpc.add("prompt with malformed UTF-8", "INVALID_ARGUMENT", "prompt",
                r -> r.setPromptBytes(ByteString.copyFrom(new byte[] {'a', (byte) 0xC3, 'b'})));
        grpc.add("prompt over the context", "OUT_OF_RANGE", "prompt", r -> r.setPrompt(PROMPT_OVER_CONTEXT));
        grpc.add("prompt of 5 MiB (over the 4 MiB message limit)", "RESOURCE_EXHAUSTED", "message",
                r -> r.setPrompt("a".repeat(5 * MIB)));
        // max_tokens.
        grpc.add("max_tokens 0", "INVALID_ARGUMENT", "max_tokens", r -> r.setMaxTokens(0));
        grpc.add("max_tokens negative", "INVALID_ARGUMENT", "max_tokens", r -> r.setMaxTokens(-5));
        grpc.add("max_tokens Integer.MAX_VALUE", "INVALID_ARGUMENT", "max_tokens", r -> r.setMaxTokens(Integer.MAX_VALUE));
        grpc.add("max_tokens over the context", "OUT_OF_RANGE", "max_tokens", r -> r.setMaxTokens(100_000));
        // Sampling.
        sampling(grpc, "temperature negative", "temperature", s -> s.setTemperature(-0.5f));
        sampling(grpc, "temperature NaN", "temperature", s -> s.setTemperature(Float.NaN));
        sampling(grpc, "temperature +infinity", "temperature", s -> s.setTemperature(Float.POSITIVE_INFINITY));
        sampling(grpc, "temperature -infinity", "temperature", s -> s.setTemperature(Float.NEGATIVE_INFINITY));
        sampling(grpc, "top_p 0", "top_p", s -> s.setTopP(0f));
        sampling(grpc, "top_p negative", "top_p", s -> s.setTopP(-0.1f));
        sampling(grpc, "top_p over 1", "top_p", s -> s.setTopP(1.5f));
        sampling(grpc, "top_p NaN", "top_p", s -> s.setTopP(Float.NaN));
        sampling(grpc, "top_p +infinity", "top_p", s -> s.setTopP(Float.POSITIVE_INFINITY));
        sampling(grpc, "top_k negative", "top_k", s -> s.setTopK(-1));
        sampling(grpc, "top_k Integer.MIN_VALUE", "top_k", s -> s.setTopK(Integer.MIN_VALUE));
        sampling(grpc, "min_p negative", "min_p", s -> s.setMinP(-0.1f));
        sampling(grpc, "min_p 1", "min_p", s -> s.setMinP(1f));
        sampling(grpc, "min_p NaN", "min_p", s -> s.setMinP(Float.NaN));
        sampling(grpc, "min_p +infinity", "min_p", s -> s.setMinP(Float.POSITIVE_INFINITY));
        // Stop sequences.
        grpc.add("9 stop sequences", "INVALID_ARGUMENT", "stop",
                r -> r.addAllStop(Collections.nCopies(ProtocolLimits.MAX_STOP_SEQUENCES + 1, "x")));
        grpc.add("empty stop sequence", "INVALID_ARGUMENT", "stop[0]", r -> r.addStop(""));
        grpc.add("stop sequence of 65 bytes", "INVALID_ARGUMENT", "stop[0]",
                r -> r.addStop("s".repeat(ProtocolLimits.MAX_STOP_BYTES + 1)));
        grpc.add("stop sequence of 1 MiB", "INVALID_ARGUMENT", "stop[1]", r -> r.addStop(".").addStop("s".repeat(MIB)));
        grpc.add("stop sequence with malformed UTF-8", "INVALID_ARGUMENT", "stop[0]",
                r -> r.addStopBytes(ByteString.copyFrom(new byte[] {(byte) 0xFF, 'x'})));
        // Name-like fields: just over the limit, 1 MiB, and what else each refuses.
        for (String field : List.of("language", "domain", "drafter", "model")) {
            grpc.add(field + " of 257 bytes", "INVALID_ARGUMENT", field,
                    r -> name(r, field, "n".repeat(ProtocolLimits.MAX_NAME_BYTES + 1)));
            grpc.add(field + " of 1 MiB", "INVALID_ARGUMENT", field, r -> name(r, field, "n".repeat(MIB)));
        }
        grpc.add("domain with a control character", "INVALID_ARGUMENT", "domain", r -> r.setDomain("code\nx"));
        grpc.add("language not ISO 639-1", "INVALID_ARGUMENT", "language", r -> r.setLanguage("xx"));
        grpc.add("unknown drafter", "INVALID_ARGUMENT", "drafter", r -> r.setDrafter("no-such-drafter"));
        grpc.add("unknown model", "INVALID_ARGUMENT", "model", r -> r.setModel("no-such-model"));
        // Speculation.
        grpc.add("unknown speculation mode 99", "INVALID_ARGUMENT", "speculation.mode",
                r -> r.setSpeculation(Speculation.newBuilder().setModeValue(99)));
        speculation(grpc, "draft_length 0", "speculation.draft_length", s -> s.setDraftLength(0));
        speculation(grpc, "draft_length 17", "speculation.draft_length", s -> s.setDraftLength(17));
        speculation(grpc, "draft_length over max_draft_length", "speculation.draft_length",
                s -> s.setDraftLength(6).setMaxDraftLength(4));
        speculation(grpc, "draft_length negative", "speculation.draft_length", s -> s.setDraftLength(-3));
        speculation(grpc, "max_draft_length negative", "speculation.max_draft_length", s -> s.setMaxDraftLength(-1));
        speculation(grpc, "max_draft_length 17", "speculation.max_draft_length", s -> s.setMaxDraftLength(17));

        // Bytes that are no GenerateRequest.
        byte[] good = good().toByteArray();
        raw(cases, router, "garbage bytes", new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F});
        raw(cases, router, "truncated message", java.util.Arrays.copyOf(good, good.length - 3));
        raw(cases, router, "reserved wire type 6 on field 3", new byte[] {0x0A, 0x01, 'a', 0x1E, 0x01});
        raw(cases, router, "field 6 (domain) with malformed UTF-8", concat(good, new byte[] {0x32, 0x02, (byte) 0xC3, 'x'}));
        // An unknown field parses (forward compatibility) and is dropped: the request is served.
        byte[] unknownField = concat(good, lengthDelimited(99, MIB));
        cases.add(new HostileCase("unknown field of 1 MiB", "raw", "OK", "served",
                () -> HostileCalls.raw(router, unknownField)));

        // The 100 distinct 1 MiB domains hole: each refused on its size, none stored or repeated.
        // The request is encoded once; each send changes the domain's first three bytes in place.
        byte[] hugeDomain = good().toBuilder().setDomain("d".repeat(MIB)).build().toByteArray();
        int domainStart = hugeDomain.length - MIB;
        cases.add(new HostileCase("100 distinct domains of 1 MiB", "raw", "INVALID_ARGUMENT", "domain: 1048576 bytes",
                () -> {
                    Outcome last = null;
                    for (int i = 0; i < 100; i++) {
                        byte[] distinct = hugeDomain.clone();
                        String prefix = String.format(java.util.Locale.ROOT, "%03d", i);
                        System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, distinct, domainStart, 3);
                        last = HostileCalls.raw(router, distinct);
                        if (!"INVALID_ARGUMENT".equals(last.got())) {
                            return last;
                        }
                    }
                    return last;
                }));
        // Served, not refused: unserved and unrouted values fall back to bounded route labels.
        cases.add(new HostileCase("8 distinct unrouted domains", "grpc", "OK", "/general", () -> {
            Outcome last = null;
            for (int i = 0; i < 8; i++) {
                last = HostileCalls.generate(router, good().toBuilder().setMaxTokens(1)
                        .setDomain("unrouted-" + i + "-" + "x".repeat(200)).build());
                if (!last.got().equals("OK") || !last.message().contains("/general")) {
                    return last;
                }
            }
            return last;
        }));
        // Extremes with no upper bound in the contract: served, not refused, and no harm done.
        GenerateRequest extremes = good().toBuilder().setSampling(Sampling.newBuilder()
                .setTemperature(Float.MAX_VALUE).setTopK(Integer.MAX_VALUE).setSeed(-1L)).build(); // seed 2^64 - 1
        cases.add(new HostileCase("temperature, top_k and seed at their largest", "grpc", "OK", "tokens=4",
                () -> HostileCalls.generate(router, extremes)));
        cases.add(new HostileCase("unserved language (Polish) given", "grpc", "OK", "route=unknown/",
                () -> HostileCalls.generate(router, good().toBuilder().setLanguage("pl")
                        .setPrompt("Dzień dobry, jak się masz? Chciałbym zamówić kawę.").build())));
        return cases;
    }

    private static void name(GenerateRequest.Builder r, String field, String value) {
        switch (field) {
            case "language" -> r.setLanguage(value);
            case "domain" -> r.setDomain(value);
            case "drafter" -> r.setDrafter(value);
            case "model" -> r.setModel(value);
            default -> throw new IllegalArgumentException("field: " + field);
        }
    }

    private static void sampling(Grpc grpc, String name, String field, UnaryOperator<Sampling.Builder> change) {
        grpc.add(name, "INVALID_ARGUMENT", "sampling." + field,
                r -> r.setSampling(change.apply(Sampling.newBuilder().setTemperature(0.7f))));
    }

    private static void speculation(Grpc grpc, String name, String field, UnaryOperator<Speculation.Builder> change) {
        grpc.add(name, "INVALID_ARGUMENT", field, r -> r.setSpeculation(change.apply(Speculation.newBuilder()
                .setMode(SpeculationMode.SPECULATION_MODE_FIXED))));
    }

    private static void raw(List<HostileCase> cases, Channel router, String name, byte[] bytes) {
        cases.add(new HostileCase(name, "raw", "INVALID_ARGUMENT", "request: could not be parsed",
                () -> HostileCalls.raw(router, bytes)));
    }

    /** A length-delimited field {@code number} of {@code size} bytes. */
    private static byte[] lengthDelimited(int number, int size) {
        com.google.protobuf.ByteString.Output out = ByteString.newOutput();
        try {
            var coded = com.google.protobuf.CodedOutputStream.newInstance(out);
            coded.writeByteArray(number, "u".repeat(size).getBytes(StandardCharsets.US_ASCII));
            coded.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteString().toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Adds the cases that change {@link #good()} in one place and send it over gRPC. */
    private record Grpc(Channel router, List<HostileCase> cases) {
        void add(String name, String expected, String field, java.util.function.Consumer<GenerateRequest.Builder> change) {
            GenerateRequest.Builder request = good().toBuilder();
            change.accept(request);
            GenerateRequest built = request.build();
            cases.add(new HostileCase(name, "grpc", expected, field, () -> HostileCalls.generate(router, built)));
        }
    }
}
