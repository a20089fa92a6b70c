/** OpenTelemetry for every Specula service: the SDK built from a service's {@code telemetry:} config, and gRPC tracing. */
package dev.specula.telemetry;
