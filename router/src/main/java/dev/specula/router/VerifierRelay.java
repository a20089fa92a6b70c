package dev.specula.router;

import dev.specula.rpc.ChannelPool;
import dev.specula.rpc.RequestRules;
import dev.specula.proto.v1.CommittedTokens;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.OpenSessionResponse;
import dev.specula.proto.v1.StepStatistics;
import dev.specula.proto.v1.TextDelta;
import dev.specula.proto.v1.VerifierServiceGrpc;
import dev.specula.router.acceptance.AcceptanceTracker;
import dev.specula.router.acceptance.Observation;
import dev.specula.router.metrics.RequestMetrics;
import dev.specula.router.metrics.RouterMetrics;
import dev.specula.router.routing.DrafterRouter;
import dev.specula.router.routing.ReplicaHealth;
import dev.specula.router.routing.Route;
import dev.specula.telemetry.Telemetry;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one request's session on the verifiers and relays it to the client: committed tokens become text
 * deltas, the verifier's summary gets the router's route, language and timings. A verifier that fails with
 * UNAVAILABLE (it went away, or could not be reached) is ejected ({@link ReplicaHealth}) and replaced by the next
 * replica, which resumes from the tokens already sent, so the client sees one stream without gaps or repeats. Other errors are relayed.
 * Flow control reaches through: the next verifier message is requested only when the client can take one.
 */
final class VerifierRelay {

    private static final Logger LOG = Logger.getLogger(VerifierRelay.class.getName());

    /** What one request needs besides the client: where it goes and what the router decided. */
    record Plan(OpenSessionRequest request, String model, List<String> verifiers, Route route,
                DrafterRouter.Choice drafter) {
    }

    /**
     * How the request is observed: its metrics recorder, the router's metrics (for the status), its span, and the
     * context verifier calls carry (the span's), with the telemetry that instruments their channels.
     */
    record Observed(RequestMetrics metrics, RouterMetrics routerMetrics, Span span, Context context,
                    Telemetry telemetry) {
    }

    private final ServerCallStreamObserver<GenerateResponse> client;
    private final Plan plan;
    private final ChannelPool channels;
    private final AcceptanceTracker tracker;
    private final ReplicaHealth replicaHealth;
    private final long startNanos;
    private final Observed observed;

    // Guarded by this: the state of the session across attempts.
    private final List<Integer> sent = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private int attempt = -1;
    private ClientCallStreamObserver<OpenSessionRequest> call;
    private boolean wantsMessage;
    private boolean finished;
    private long firstTokenNanos = -1;
    // Steps of the attempts that failed, so that a resumed session's summary covers the whole request.
    private int earlierSteps;
    private int earlierDrafted;
    private int earlierAccepted;
    private final List<Integer> earlierDraftLengths = new ArrayList<>();
    private int steps;
    private int drafted;
    private int accepted;
    private final List<Integer> draftLengths = new ArrayList<>();
    // Over every attempt, for the tracker: the target's forward passes and the drafter's drafting time.
    private double forwardMs;
    private double draftingMs;

    VerifierRelay(ServerCallStreamObserver<GenerateResponse> client, Plan plan, ChannelPool channels,
                  AcceptanceTracker tracker, ReplicaHealth replicaHealth, long startNanos, Observed observed) {
        this.client = client;
        this.observed = observed;
        this.plan = plan;
        this.channels = channels;
        this.tracker = tracker;
        this.replicaHealth = replicaHealth;
        this.startNanos = startNanos;
        // Both handlers must be set before the service method returns.
        client.setOnCancelHandler(this::clientCancelled);
        client.setOnReadyHandler(this::clientReady);
    }

    /** Opens the session on the first verifier. */
    void start() {
        nextAttempt();
    }

    private void nextAttempt() {
        OpenSessionRequest request;
        String target;
        synchronized (this) {
            if (finished) {
                return;
            }
            attempt++;
            target = plan.verifiers().get(attempt);
            earlierSteps += steps;
            earlierDrafted += drafted;
            earlierAccepted += accepted;
            earlierDraftLengths.addAll(draftLengths);
            steps = drafted = accepted = 0;
            draftLengths.clear();
            wantsMessage = false;
            call = null;
            request = plan.request().toBuilder().clearCommittedTokens().addAllCommittedTokens(sent).build();
        }
        // A resumed attempt starts on a gRPC thread of the failed call: the request's context is made current so
        // every attempt is a child of the request's span.
        try (Scope ignored = observed.context().makeCurrent()) {
            VerifierServiceGrpc.newStub(observed.telemetry().instrument(channels.get(target)))
                    .openSession(request, new Attempt(target));
        } catch (RuntimeException e) {
            // A target the channel builder cannot parse: as unreachable as a replica that is down.
            failed(target, Status.UNAVAILABLE.withDescription("cannot open a channel: " + e.getMessage()));
        }
    }

    /** The observer of one verifier call. */
    private final class Attempt implements ClientResponseObserver<OpenSessionRequest, OpenSessionResponse> {
        private final String target;
        private boolean done; // a summary arrived

        Attempt(String target) {
            this.target = target;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<OpenSessionRequest> requestStream) {
            requestStream.disableAutoRequestWithInitial(1);
            synchronized (VerifierRelay.this) {
                call = requestStream;
            }
        }

        @Override
        public void onNext(OpenSessionResponse response) {
            if (done) {
                return;
            }
            switch (response.getEventCase()) {
                case COMMITTED -> forward(response.getCommitted());
                case SUMMARY -> {
                    done = true;
                    finish(target, response.getSummary());
                    return;
                }
                case EVENT_NOT_SET -> {
                }
            }
            requestWhenReady();
        }

        @Override
        public void onError(Throwable t) {
            failed(target, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            if (!done) {
                fail(target, Status.INTERNAL.withDescription("verifier " + target + " ended the session without a summary"));
            }
        }
    }

    private void forward(CommittedTokens committed) {
        TextDelta delta;
        synchronized (this) {
            if (finished) {
                return;
            }
            if (committed.hasStep()) {
                StepStatistics step = committed.getStep();
                steps++;
                drafted += step.getDrafted();
                accepted += step.getAccepted();
                draftLengths.add(step.getDraftLength());
                observed.metrics().step(step.getDraftLength(), step.getDrafted(), step.getAccepted());
                forwardMs += step.getForwardMs();
                draftingMs += step.getDraftMs();
            }
            if (committed.getTokenIdsCount() == 0 && committed.getText().isEmpty()) {
                return;
            }
            if (committed.getTokenIdsCount() > 0) {
                long now = System.nanoTime();
                if (firstTokenNanos < 0) {
                    firstTokenNanos = now;
                }
                observed.metrics().delta(committed.getTokenIdsCount(), now, startNanos);
            }
            sent.addAll(committed.getTokenIdsList());
            delta = TextDelta.newBuilder().setText(committed.getText())
                    .addAllTokenIds(committed.getTokenIdsList()).build();
        }
        client.onNext(GenerateResponse.newBuilder().setDelta(delta).build());
    }

    /** Asks the verifier for its next message now if the client can take it, else when it becomes ready. */
    private void requestWhenReady() {
        synchronized (this) {
            wantsMessage = true;
        }
        if (client.isReady()) {
            clientReady();
        }
    }

    private void clientReady() {
        ClientCallStreamObserver<OpenSessionRequest> toRequest = null;
        synchronized (this) {
            if (wantsMessage && !finished && call != null) {
                wantsMessage = false;
                toRequest = call;
            }
        }
        if (toRequest != null) {
            toRequest.request(1);
        }
    }

    private void clientCancelled() {
        ClientCallStreamObserver<OpenSessionRequest> toCancel;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            toCancel = call;
        }
        if (toCancel != null) {
            toCancel.cancel("client cancelled", null);
        }
        log(plan.verifiers().get(Math.max(0, attempt)), Status.CANCELLED, null);
    }

    private void failed(String target, Status status) {
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            replicaHealth.failed(target);
        }
        boolean resume;
        int tokens;
        synchronized (this) {
            if (finished) {
                return;
            }
            tokens = sent.size();
            resume = status.getCode() == Status.Code.UNAVAILABLE && attempt + 1 < plan.verifiers().size();
            failures.add(target + " (" + status.getCode() + ": " + RequestRules.quote(status.getDescription()) + ")");
        }
        if (resume) {
            LOG.log(Level.WARNING, "verifier {0} failed after {1} tokens ({2}); resuming on the next replica",
                    new Object[] {target, tokens, status.getCode() + ": " + RequestRules.quote(status.getDescription())});
            nextAttempt();
        } else if (status.getCode() == Status.Code.UNAVAILABLE) {
            fail(target, Status.UNAVAILABLE.withDescription("model '" + plan.model()
                    + "': no verifier could serve the request (tried: " + String.join(", ", failures) + ")"));
        } else {
            fail(target, Status.fromCode(status.getCode()).withDescription(status.getDescription()));
        }
    }

    private void fail(String target, Status status) {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
        }
        log(target, status, null);
        client.onError(status.asRuntimeException());
    }

    private void finish(String target, GenerationSummary fromVerifier) {
        GenerationSummary summary;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            summary = summarize(target, fromVerifier);
        }
        replicaHealth.succeeded(target);
        if (plan.drafter() != null && summary.getCompletionTokens() > 0) {
            double costRatio;
            synchronized (this) {
                costRatio = Observation.costRatio(draftingMs, summary.getDraftedTokens(), forwardMs,
                        summary.getVerificationSteps());
            }
            tracker.record(plan.route(), plan.drafter().drafterId(), new Observation(
                    Math.clamp(summary.getAcceptanceRate(), 0, 1), Math.max(0, summary.getMeanAcceptedLength()),
                    costRatio, summary.getDraftLengthsList()));
        }
        observed.metrics().finished(summary.getPromptTokens(), summary.getTotalTimeMs() / 1000);
        observed.span().setAttribute("specula.completion_tokens", summary.getCompletionTokens())
                .setAttribute("specula.drafted_tokens", summary.getDraftedTokens())
                .setAttribute("specula.accepted_tokens", summary.getAcceptedTokens());
        log(target, Status.OK, summary);
        client.onNext(GenerateResponse.newBuilder().setSummary(summary).build());
        client.onCompleted();
    }

    /** The verifier's summary with the router's fields; a resumed session's counts cover every attempt. */
    private GenerationSummary summarize(String target, GenerationSummary fromVerifier) {
        long now = System.nanoTime();
        double totalMs = (now - startNanos) / 1e6;
        GenerationSummary.Builder summary = fromVerifier.toBuilder();
        if (attempt > 0) {
            int allSteps = earlierSteps + fromVerifier.getVerificationSteps();
            int allDrafted = earlierDrafted + fromVerifier.getDraftedTokens();
            int allAccepted = earlierAccepted + fromVerifier.getAcceptedTokens();
            List<Integer> allLengths = new ArrayList<>(earlierDraftLengths);
            allLengths.addAll(fromVerifier.getDraftLengthsList());
            summary.setCompletionTokens(sent.size())
                    .setVerificationSteps(allSteps)
                    .setDraftedTokens(allDrafted)
                    .setAcceptedTokens(allAccepted)
                    .setAcceptanceRate(allDrafted == 0 ? 0 : (double) allAccepted / allDrafted)
                    .setMeanAcceptedLength(allSteps == 0 ? 0 : (double) (allAccepted + allSteps) / allSteps)
                    .clearDraftLengths().addAllDraftLengths(allLengths);
        }
        summary.setRoute(plan.route().toString())
                .setLanguage(plan.route().language())
                .setTotalTimeMs(totalMs)
                .setTimeToFirstTokenMs(firstTokenNanos < 0 ? totalMs : (firstTokenNanos - startNanos) / 1e6)
                .setTokensPerSecond(totalMs <= 0 ? 0 : summary.getCompletionTokens() / (totalMs / 1000));
        if (summary.getModel().isEmpty()) {
            summary.setModel(plan.model());
        }
        if (summary.getVerifierId().isEmpty()) {
            summary.setVerifierId(target);
        }
        return summary.build();
    }

    /** One line per request, whatever its outcome, and the end of its metrics and span. */
    private void log(String verifier, Status status, GenerationSummary summary) {
        observed.routerMetrics().request(status.getCode());
        observed.span().setAttribute("specula.verifier", verifier).setAttribute("rpc.grpc.status_code",
                status.getCode().value());
        if (!status.isOk()) {
            observed.span().setStatus(StatusCode.ERROR, status.getCode() + ": " + status.getDescription());
        }
        observed.span().end();
        String drafter = plan.drafter() == null ? "none" : plan.drafter().drafterId() + "@" + plan.drafter().target();
        if (summary == null) {
            int tokens;
            synchronized (this) {
                tokens = sent.size();
            }
            LOG.info(String.format(Locale.ROOT, "generate route=%s drafter=%s verifier=%s tokens=%d status=%s%s",
                    plan.route(), drafter, verifier, tokens, status.getCode(),
                    status.getDescription() == null ? "" : " (" + RequestRules.quote(status.getDescription()) + ")"));
            return;
        }
        LOG.info(String.format(Locale.ROOT,
                "generate route=%s drafter=%s verifier=%s%s tokens=%d acceptance=%.2f tok/s=%.1f ttft=%.1fms status=OK",
                plan.route(), drafter, verifier, attempt > 0 ? " (resumed, failed: " + failures + ")" : "",
                summary.getCompletionTokens(), summary.getAcceptanceRate(), summary.getTokensPerSecond(),
                summary.getTimeToFirstTokenMs()));
    }
}
