package dev.specula.router;

import dev.specula.rpc.ChannelPool;
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
    private final RequestValidator validator;
    private final Map<String, RoundRobin> verifiers = new LinkedHashMap<>();
    private final Telemetry telemetry;
    private final RouterMetrics metrics;

    /**
     * @param config    models, drafters, routes and rules
     * @param languages the language detector (built at start-up: it loads its models then)
     * @param tracker   what is learned across requests
     * @param channels  channels to verifiers, reused across requests
     * @param telemetry where metrics and spans go
     */
    GenerationServiceImpl(RouterConfig config, LanguageIdentifier languages, AcceptanceTracker tracker,
                          ChannelPool channels, Telemetry telemetry) {
        this.config = config;
        this.telemetry = telemetry;
        this.metrics = new RouterMetrics(telemetry.meter(), config.knownDomains());
        this.languages = languages;
        this.domains = new DomainClassifier(config.domainRules());
        this.tracker = tracker;
        this.drafters = new DrafterRouter(config, tracker);
        this.channels = channels;
        config.models().forEach((model, targets) -> verifiers.put(model, new RoundRobin(targets)));
        Set<String> known = new TreeSet<>(config.knownLanguages());
        known.addAll(languages.knownCodes());
        this.validator = new RequestValidator(known, drafters.ids(), config.models().keySet(), config.maxDraftLength());
    }

    /** Server streaming: see generation.proto. */
    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responseObserver) {
        long start = System.nanoTime();
        try {
            validator.validate(request);
        } catch (StatusException e) {
            LOG.info(String.format(Locale.ROOT, "generate status=%s (%s)", e.getStatus().getCode(),
                    e.getStatus().getDescription()));
            metrics.request(e.getStatus().getCode());
            responseObserver.onError(e);
            return;
        }
        String prompt = request.getPrompt();
        String language = request.hasLanguage() && !request.getLanguage().isEmpty()
                ? request.getLanguage().toLowerCase(Locale.ROOT) : languages.identify(prompt);
        String domain = request.hasDomain() && !request.getDomain().isBlank()
                ? request.getDomain() : domains.classify(prompt);
        Route route = new Route(language, domain);
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
        VerifierRelay.Plan plan = new VerifierRelay.Plan(session.build(), model, verifiers.get(model).nextOrder(),
                route, drafter);
        // The gRPC instrumentation made the Generate call's span current: the request's span is its child.
        Span span = telemetry.tracer().spanBuilder("router.generate").setParent(Context.current())
                .setAttribute("specula.route", route.toString()).setAttribute("specula.model", model)
                .setAttribute("specula.drafter", drafter == null ? RouterMetrics.NO_DRAFTER : drafter.drafterId())
                .setAttribute("specula.session_id", plan.request().getSessionId()).startSpan();
        VerifierRelay.Observed observed = new VerifierRelay.Observed(
                metrics.request(language, domain, drafter == null ? null : drafter.drafterId()), metrics, span,
                Context.current().with(span), telemetry);
        new VerifierRelay((ServerCallStreamObserver<GenerateResponse>) responseObserver, plan, channels, tracker, start,
                observed).start();
    }

    /** The tracker this service learns into. */
    public AcceptanceTracker tracker() {
        return tracker;
    }
}
