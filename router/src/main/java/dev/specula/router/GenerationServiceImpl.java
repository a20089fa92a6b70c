package dev.specula.router;

import dev.specula.rpc.ChannelPool;
import dev.specula.rpc.RequestRules;
import dev.specula.proto.v1.DrafterEndpoint;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.router.acceptance.AcceptanceTracker;
import dev.specula.router.config.RouterConfig;
import dev.specula.router.language.LanguageIdentifier;
import dev.specula.router.metrics.RouterMetrics;
import dev.specula.router.routing.DomainClassifier;
import dev.specula.router.routing.DrafterRouter;
import dev.specula.router.routing.ReplicaHealth;
import dev.specula.router.routing.RoundRobin;
import dev.specula.router.routing.Route;
import dev.specula.telemetry.Telemetry;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The public GenerationService: validates a request, finds its route (language × domain), chooses a drafter
 * and a verifier replica, and relays the verifier's session to the client (see {@link VerifierRelay}).
 */
final class GenerationServiceImpl extends GenerationServiceGrpc.GenerationServiceImplBase {

    private static final Logger LOG = Logger.getLogger(GenerationServiceImpl.class.getName());

    private final RouterConfig config;
    private final LanguageIdentifier languages;
    private final DomainClassifier domains;
    private final DrafterRouter drafters;
    private final AcceptanceTracker tracker;
    private final ChannelPool channels;
    private final ReplicaHealth replicaHealth;
    private final RequestValidator validator;
    private final Map<String, RoundRobin> verifiers = new LinkedHashMap<>();
    private final Telemetry telemetry;
    private final RouterMetrics metrics;
    // What routes and learned statistics are keyed by: only configured values, never what a client sends.
    private final Set<String> servedLanguages;
    private final Set<String> routedDomains;

    /**
     * @param config    models, drafters, routes and rules
     * @param languages the language detector (built at start-up: it loads its models then)
     * @param tracker   what is learned across requests
     * @param channels  channels to verifiers, reused across requests
     * @param telemetry where metrics and spans go
     * @param replicaHealth which verifier replicas are ejected
     */
    GenerationServiceImpl(RouterConfig config, LanguageIdentifier languages, AcceptanceTracker tracker,
                          ChannelPool channels, ReplicaHealth replicaHealth, Telemetry telemetry) {
        this.config = config;
        this.telemetry = telemetry;
        this.metrics = new RouterMetrics(telemetry.meter(), config.knownDomains());
        this.languages = languages;
        this.domains = new DomainClassifier(config.domainRules());
        this.tracker = tracker;
        this.drafters = new DrafterRouter(config, tracker);
        this.channels = channels;
        this.replicaHealth = replicaHealth;
        RouterMetrics.replicaEjection(telemetry.meter(), config.models(), replicaHealth::isEjected);
        config.models().forEach((model, targets) -> verifiers.put(model, new RoundRobin(targets)));
        Set<String> served = new TreeSet<>(config.knownLanguages());
        served.addAll(languages.knownCodes());
        this.servedLanguages = Set.copyOf(served);
        Set<String> domainNames = new TreeSet<>(config.routes().domains().keySet());
        config.domainRules().forEach(rule -> domainNames.add(rule.domain()));
        config.drafters().forEach(d -> domainNames.addAll(d.domains()));
        this.routedDomains = Set.copyOf(domainNames);
        this.validator = new RequestValidator(drafters.ids(), config.models().keySet(), config.maxDraftLength());
    }

    /** Server streaming: see generation.proto. */
    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responseObserver) {
        long start = System.nanoTime();
        try {
            validator.validate(request);
        } catch (StatusException e) {
            LOG.info(String.format(Locale.ROOT, "generate status=%s (%s)", e.getStatus().getCode(),
                    RequestRules.quote(e.getStatus().getDescription())));
            metrics.request(e.getStatus().getCode());
            responseObserver.onError(e);
            return;
        }
        Route route = new Route(language(request), domain(request));
        String model = request.hasModel() && !request.getModel().isEmpty() ? request.getModel() : config.defaultModel();

        Speculation speculation = request.getSpeculation();
        DrafterRouter.Choice drafter = null;
        if (speculation.getMode() != SpeculationMode.SPECULATION_MODE_OFF) {
            drafter = drafters.choose(route, request.hasDrafter() && !request.getDrafter().isEmpty()
                    ? request.getDrafter() : null);
        }
        OpenSessionRequest.Builder session = OpenSessionRequest.newBuilder()
                .setSessionId("router-" + UUID.randomUUID())
                .setPromptBytes(request.getPromptBytes());
        for (int i = 0; i < request.getStopCount(); i++) {
            session.addStopBytes(request.getStopBytes(i)); // bytes, not strings: they were validated as bytes
        }
        if (request.hasSampling()) {
            session.setSampling(request.getSampling());
        }
        if (request.hasMaxTokens()) {
            session.setMaxTokens(request.getMaxTokens());
        }
        if (drafter == null) {
            if (request.hasSpeculation()) {
                session.setSpeculation(speculation);
            }
        } else {
            Speculation.Builder spec = speculation.toBuilder();
            if (!spec.hasMaxDraftLength()) {
                spec.setMaxDraftLength(config.maxDraftLength());
            }
            if (!spec.hasDraftLength()) {
                spec.setDraftLength(Math.min(drafter.draftLength(), spec.getMaxDraftLength()));
            }
            session.setSpeculation(spec).setDrafter(DrafterEndpoint.newBuilder()
                    .setDrafterId(drafter.drafterId()).setTarget(drafter.target()));
        }
        VerifierRelay.Plan plan = new VerifierRelay.Plan(session.build(), model,
                replicaHealth.order(verifiers.get(model).nextOrder()), route, drafter);
        // The gRPC instrumentation made the Generate call's span current: the request's span is its child.
        Span span = telemetry.tracer().spanBuilder("router.generate").setParent(Context.current())
                .setAttribute("specula.route", route.toString()).setAttribute("specula.model", model)
                .setAttribute("specula.drafter", drafter == null ? RouterMetrics.NO_DRAFTER : drafter.drafterId())
                .setAttribute("specula.session_id", plan.request().getSessionId()).startSpan();
        // Route values are bounded: an unserved language is "unknown", an unrouted domain "general".
        VerifierRelay.Observed observed = new VerifierRelay.Observed(
                metrics.request(route.language(), route.domain(), drafter == null ? null : drafter.drafterId()),
                metrics, span, Context.current().with(span), telemetry);
        new VerifierRelay((ServerCallStreamObserver<GenerateResponse>) responseObserver, plan, channels, tracker,
                replicaHealth, start, observed).start();
    }

    /** The request's language if served, else {@link LanguageIdentifier#UNKNOWN}; detected when not given. */
    private String language(GenerateRequest request) {
        if (!request.hasLanguage() || request.getLanguage().isEmpty()) {
            return languages.identify(request.getPrompt());
        }
        String given = request.getLanguage().toLowerCase(Locale.ROOT);
        return servedLanguages.contains(given) ? given : LanguageIdentifier.UNKNOWN;
    }

    /** The request's domain if it has routes or rules, else {@link Route#GENERAL}; classified when not given. */
    private String domain(GenerateRequest request) {
        if (!request.hasDomain() || request.getDomain().isBlank()) {
            return domains.classify(request.getPrompt());
        }
        return routedDomains.contains(request.getDomain()) ? request.getDomain() : Route.GENERAL;
    }

    /** The tracker this service learns into. */
    public AcceptanceTracker tracker() {
        return tracker;
    }
}
