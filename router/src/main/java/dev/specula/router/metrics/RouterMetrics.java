package dev.specula.router.metrics;

import dev.specula.rpc.ProtocolLimits;
import io.grpc.Status;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The router's metrics, named in the vLLM vocabulary. Every label value comes from the configuration: a route's
 * language from the codes the router accepts, its domain from the configured domains (any other is "other"),
 * the drafter from the configured drafters ("none" when plain), the status from gRPC's codes. So the number
 * of series is bounded whatever clients send. Attribute sets are built once per route and drafter.
 */
public final class RouterMetrics {

    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("route");
    static final AttributeKey<String> DRAFTER = AttributeKey.stringKey("drafter");
    static final AttributeKey<String> POSITION = AttributeKey.stringKey("position");
    private static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
    /** The label of a domain no configuration names. */
    public static final String OTHER_DOMAIN = "other";
    /** The drafter label of a request decoded plainly. */
    public static final String NO_DRAFTER = "none";
    private static final List<Double> LATENCY_BUCKETS = List.of(0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08,
            0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0);
    private static final List<Long> DRAFT_LENGTH_BUCKETS = List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 8L, 10L, 12L, 16L);

    final LongCounter promptTokens;
    final LongCounter generationTokens;
    final DoubleHistogram timeToFirstToken;
    final DoubleHistogram interTokenLatency;
    final DoubleHistogram requestDuration;
    final LongCounter verificationSteps;
    final LongCounter drafts;
    final LongCounter draftTokens;
    final LongCounter acceptedTokens;
    final LongCounter draftTokensPerPosition;
    final LongCounter acceptedTokensPerPosition;
    final LongHistogram draftLength;
    private final LongCounter requests;
    private final Map<Status.Code, Attributes> statusAttributes = new EnumMap<>(Status.Code.class);
    private final Set<String> domains;
    private final Map<String, RequestMetrics.Labels> labels = new ConcurrentHashMap<>();

    /**
     * @param meter   the router's meter
     * @param domains the domains the configuration names (routing table, rules, drafters); others are "other"
     */
    public RouterMetrics(Meter meter, Set<String> domains) {
        this.domains = Set.copyOf(domains);
        for (Status.Code code : Status.Code.values()) {
            statusAttributes.put(code, Attributes.of(STATUS, code.name()));
        }
        requests = meter.counterBuilder("specula_requests")
                .setDescription("Generate requests finished, by gRPC status").build();
        promptTokens = meter.counterBuilder("specula_prompt_tokens")
                .setDescription("Prompt tokens of finished requests (BOS included)").build();
        generationTokens = meter.counterBuilder("specula_generation_tokens")
                .setDescription("Completion tokens sent to clients").build();
        timeToFirstToken = meter.histogramBuilder("specula_time_to_first_token").setUnit("s")
                .setDescription("From a request's arrival to its first token")
                .setExplicitBucketBoundariesAdvice(LATENCY_BUCKETS).build();
        interTokenLatency = meter.histogramBuilder("specula_inter_token_latency").setUnit("s")
                .setDescription("Time between text deltas after the first, divided by the delta's tokens")
                .setExplicitBucketBoundariesAdvice(LATENCY_BUCKETS).build();
        requestDuration = meter.histogramBuilder("specula_request_duration").setUnit("s")
                .setDescription("From a request's arrival to its summary")
                .setExplicitBucketBoundariesAdvice(LATENCY_BUCKETS).build();
        verificationSteps = meter.counterBuilder("specula_verification_steps")
                .setDescription("Target forward passes after prefill (plain steps and verifications)").build();
        drafts = meter.counterBuilder("specula_spec_decode_num_drafts")
                .setDescription("Verification steps that verified a draft block").build();
        draftTokens = meter.counterBuilder("specula_spec_decode_num_draft_tokens")
                .setDescription("Draft tokens verified").build();
        acceptedTokens = meter.counterBuilder("specula_spec_decode_num_accepted_tokens")
                .setDescription("Draft tokens accepted").build();
        draftTokensPerPosition = meter.counterBuilder("specula_spec_decode_draft_tokens_per_pos")
                .setDescription("Draft tokens verified at each position of their block (1 = first)").build();
        acceptedTokensPerPosition = meter.counterBuilder("specula_spec_decode_accepted_tokens_per_pos")
                .setDescription("Draft tokens accepted at each position of their block; / draft_tokens_per_pos is "
                        + "the acceptance of position i").build();
        draftLength = meter.histogramBuilder("specula_spec_decode_draft_length").ofLongs()
                .setDescription("Draft length the verifier chose for each step (0 = a plain step)")
                .setExplicitBucketBoundariesAdvice(DRAFT_LENGTH_BUCKETS).build();
    }

    /**
     * Registers {@code specula_router_verifier_ejected}: per configured verifier target (model, target), 1 while
     * replica health has ejected it, else 0. The targets come from the configuration, so the series are bounded.
     *
     * @param meter     the router's meter
     * @param models    model name to its verifier targets, as configured
     * @param isEjected whether a target is ejected now
     */
    public static void replicaEjection(Meter meter, Map<String, List<String>> models, Predicate<String> isEjected) {
        AttributeKey<String> model = AttributeKey.stringKey("model");
        AttributeKey<String> target = AttributeKey.stringKey("target");
        List<Map.Entry<String, Attributes>> series = models.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(t -> Map.entry(t, Attributes.of(model, e.getKey(), target, t))))
                .toList();
        meter.gaugeBuilder("specula_router_verifier_ejected").ofLongs()
                .setDescription("Verifier targets replica health has ejected now (1 ejected, 0 in rotation)")
                .buildWithCallback(m -> series.forEach(e -> m.record(isEjected.test(e.getKey()) ? 1 : 0, e.getValue())));
    }

    /** A request ended with {@code code}. */
    public void request(Status.Code code) {
        requests.add(1, statusAttributes.get(code));
    }

    /**
     * The recorder of one request on {@code language}/{@code domain} with {@code drafterId} (null: plain).
     * The language must be one the router accepts (validated or detected); the drafter one it configures.
     */
    public RequestMetrics request(String language, String domain, String drafterId) {
        String route = language + "/" + (domains.contains(domain) ? domain : OTHER_DOMAIN);
        String drafter = drafterId == null ? NO_DRAFTER : drafterId;
        return new RequestMetrics(this, labels.computeIfAbsent(route + " " + drafter,
                key -> RequestMetrics.Labels.of(route, drafter, ProtocolLimits.MAX_DRAFT_LENGTH)));
    }
}
